#include "tools/cli/command_context.h"

namespace ozone::tools {

Result<const config::Configuration*> CommandContext::conf() {
  if (!conf_) {
    OZ_ASSIGN_OR_RETURN(auto loaded, config::LoadConfiguration(sources_));
    conf_ = std::move(loaded);
  }
  return &*conf_;
}

}  // namespace ozone::tools
