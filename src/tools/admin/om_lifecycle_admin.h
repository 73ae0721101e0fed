// `ozone admin om lifecycle ...` (om_lifecycle_admin.cc), registered under `ozone admin om`.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli/command.h"

namespace ozone::tools::admin {

void RegisterOmLifecycle(CLI::App* om, ActionSlot& slot);

}  // namespace ozone::tools::admin
