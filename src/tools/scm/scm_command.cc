#include "tools/scm/scm_command.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "scm/server/scm_server_runner.h"
#include "scm/server/scm_starter.h"

namespace ozone::tools {

void RegisterScmCommand(CLI::App& root, ActionSlot& slot) {
  struct Args {
    bool init = false;
    bool bootstrap = false;
    std::string cluster_id;
    std::string log_file;
  };
  auto a = std::make_shared<Args>();
  CLI::App* scm = root.add_subcommand("scm", "Start or initialize the Storage Container Manager");
  scm->add_flag("--init", a->init, "Initialize the SCM if not already initialized");
  scm->add_flag("--bootstrap", a->bootstrap,
                "Bootstrap this SCM into the cluster of the running SCMs");
  scm->add_option("--clusterid", a->cluster_id, "The cluster id to initialize with (--init)");
  scm->add_option("--log", a->log_file, "Log file of the server");
  OnInvoke(scm, &slot, [a](CommandContext& ctx) -> Status {
    OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
    if (a->init && a->bootstrap) {
      return Status::InvalidArgument("--init and --bootstrap cannot be used together");
    }
    if (!a->cluster_id.empty() && !a->init) {
      return Status::InvalidArgument("--clusterid is an option of --init");
    }
    if (a->init || a->bootstrap) {
      std::optional<std::string> cid;
      if (!a->cluster_id.empty()) cid = a->cluster_id;
      OZ_ASSIGN_OR_RETURN(scm::InitResult r,
                          a->init ? scm::InitScm(*conf, cid) : scm::BootstrapScm(*conf));
      ctx.out() << r.message << "\n";
      return Status::OK();
    }
    return scm::RunScmServer(*conf, a->log_file, ctx.out());
  });
}

}  // namespace ozone::tools
