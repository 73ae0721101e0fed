// The options every `ozone admin` command that talks to SCM takes (Ozone's ScmOption):
// `--scm host[:port]` (one SCM's client address) and `--service-id`/`-id` (the SCM service), and
// how the command gets its client::ScmClient from them. Failover retries are reported on stderr
// with Ozone's line "Retrying in Xms after N failover attempt(s).".
#pragma once

#include <memory>
#include <string>

#include "client/scm_client.h"
#include "common/result.h"
#include "tools/cli/command_context.h"

namespace CLI {
class App;
}

namespace ozone::tools {

struct ScmClientArgs {
  std::string scm;
  std::string service_id;
};

void AddScmClientOptions(CLI::App* app, ScmClientArgs* args);

Result<std::unique_ptr<client::ScmClient>> MakeScmClient(CommandContext& ctx,
                                                         const ScmClientArgs& args);

}  // namespace ozone::tools
