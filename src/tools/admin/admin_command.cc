#include "tools/admin/admin_command.h"

#include <CLI/CLI.hpp>

#include "tools/admin/admin_commands.h"

namespace ozone::tools {

void RegisterAdminCommand(CLI::App& root, ActionSlot& slot) {
  CLI::App* admin = root.add_subcommand("admin", "Developer tools for Ozone Admin operations");
  admin->require_subcommand(1);
  admin::RegisterScmAdmin(*admin, slot);
  admin::RegisterOmAdmin(*admin, slot);  // between scm and safemode, as Ozone lists them
  admin::RegisterLaterAdmin(*admin, slot);
  admin::RegisterSafeModeAdmin(*admin, slot);
  admin::RegisterContainerAdmin(*admin, slot);
  admin::RegisterClusterAdmin(*admin, slot);
}

void NormalizeAdminArgs(std::vector<std::string>* args) {
  if (args->empty() || (*args)[0] != "admin") return;
  for (std::string& a : *args) {
    if (a == "-id") {
      a = "--service-id";
    } else if (a.rfind("-id=", 0) == 0) {
      a = "--service-id=" + a.substr(4);
    }
  }
}

}  // namespace ozone::tools
