// `ozone getconf`: prints configuration as Ozone's tool does.
//   confKey KEY                 the value (with Ozone's default if unset); if there is none,
//                               "Configuration KEY is missing." on stderr (exit 0, as Ozone)
//   storagecontainermanagers    one SCM host per line
//   ozonemanagers               one OM host per line
// The dash forms (-confKey, -storagecontainermanagers, -ozonemanagers) are accepted too.
#pragma once

#include "tools/cli/command.h"

namespace ozone::tools {

void RegisterGetconfCommand(CLI::App& root, ActionSlot& slot);

}  // namespace ozone::tools
