#include "tools/admin/scm_client_options.h"

#include <CLI/CLI.hpp>
#include <ostream>

namespace ozone::tools {

void AddScmClientOptions(CLI::App* app, ScmClientArgs* args) {
  app->add_option("--scm", args->scm, "The destination scm (host:port)");
  app->add_option("--service-id,--scm-service-id", args->service_id, "ServiceId of SCM HA Cluster");
}

Result<std::unique_ptr<client::ScmClient>> MakeScmClient(CommandContext& ctx,
                                                         const ScmClientArgs& args) {
  OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
  client::ScmClientOptions o;
  if (!args.service_id.empty()) o.service_id = args.service_id;
  if (!args.scm.empty()) o.scm_address = args.scm;
  std::ostream* err = &ctx.err();
  o.on_retry = [err](const std::string& line) { *err << line << "\n" << std::flush; };
  return client::ScmClient::Create(*conf, std::move(o));
}

}  // namespace ozone::tools
