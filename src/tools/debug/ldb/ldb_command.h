// `ozone debug ldb --db=DIR ls | list_column_families | scan ... | checkpoint --output=DIR`.
#pragma once

#include "tools/cli/command.h"

namespace ozone::tools {

void RegisterLdbCommand(CLI::App& debug, ActionSlot& slot);

}  // namespace ozone::tools
