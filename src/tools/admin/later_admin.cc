// `ozone admin printTopology|cert`: Ozone's subcommands whose features arrive with later work.
// They are listed in the usage like every other; running one says which work brings it.
#include <CLI/CLI.hpp>

#include "tools/admin/admin_commands.h"

namespace ozone::tools::admin {

namespace {

void RegisterLater(CLI::App& admin, ActionSlot& slot, const std::string& name,
                   const std::string& description, const std::string& message) {
  CLI::App* app = admin.add_subcommand(name, description);
  // Whatever follows (Ozone's own subcommands and options) is accepted here.
  app->allow_extras();
  app->prefix_command();
  OnInvoke(app, &slot, [message](CommandContext&) { return Status::NotSupported(message); });
}

}  // namespace

void RegisterLaterAdmin(CLI::App& admin, ActionSlot& slot) {
  RegisterLater(admin, slot, "printTopology",
                "Print a tree of the network topology as reported by SCM",
                "ozone admin printTopology arrives with the datanode work");
  RegisterLater(admin, slot, "cert", "Certificate related operations",
                "ozone admin cert arrives with the SCM HA security work");
}

}  // namespace ozone::tools::admin
