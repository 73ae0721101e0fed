// `ozone debug ...`: developer and operator tools.
#pragma once

#include "tools/cli/command.h"

namespace ozone::tools {

void RegisterDebugCommand(CLI::App& root, ActionSlot& slot);

}  // namespace ozone::tools
