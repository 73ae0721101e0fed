#include "tools/om/om_command.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "om/server/om_server_runner.h"
#include "om/server/om_starter.h"

namespace ozone::tools {

void RegisterOmCommand(CLI::App& root, ActionSlot& slot) {
  struct Args {
    bool init = false;
    bool bootstrap = false;
    bool force = false;
    bool upgrade = false;
    std::string log_file;
  };
  auto a = std::make_shared<Args>();
  CLI::App* om = root.add_subcommand("om", "Start or initialize the Ozone Manager");
  om->add_flag("--init", a->init, "Initialize the Ozone Manager if not already initialized");
  om->add_flag("--bootstrap", a->bootstrap,
               "Initialize if needed, then start and join the running OM ring");
  om->add_flag("--force", a->force,
               "With --bootstrap: skip the check that every other OM has this one in its "
               "ozone-site.xml");
  om->add_flag("--upgrade", a->upgrade, "Cancels prepare state in this OM on startup");
  om->add_option("--log", a->log_file, "Log file of the server");
  OnInvoke(om, &slot, [a](CommandContext& ctx) -> Status {
    OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
    if (a->init && a->bootstrap) {
      return Status::InvalidArgument("--init and --bootstrap cannot be used together");
    }
    if (a->upgrade && (a->init || a->bootstrap)) {
      return Status::InvalidArgument("--upgrade cannot be used with --init or --bootstrap");
    }
    if (a->init) {
      OZ_ASSIGN_OR_RETURN(om::OmInitResult r, om::InitOm(*conf));
      ctx.out() << r.message << "\n";
      return Status::OK();
    }
    if (a->force && !a->bootstrap) {
      return Status::InvalidArgument("--force is only valid with --bootstrap");
    }
    om::OzoneManagerOptions options;
    options.config_sources = ctx.sources();
    options.cancel_prepare = a->upgrade;
    if (a->bootstrap) {
      OZ_ASSIGN_OR_RETURN(om::OmInitResult r, om::InitOm(*conf));
      ctx.out() << r.message << "\n";
      options.bootstrap = true;
      options.force_bootstrap = a->force;
    }
    return om::RunOmServer(*conf, options, a->log_file, ctx.out());
  });
}

}  // namespace ozone::tools
