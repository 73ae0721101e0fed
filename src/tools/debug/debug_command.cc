#include "tools/debug/debug_command.h"

#include <CLI/CLI.hpp>

#include "tools/debug/ldb/ldb_command.h"

namespace ozone::tools {

void RegisterDebugCommand(CLI::App& root, ActionSlot& slot) {
  CLI::App* debug = root.add_subcommand("debug", "Developer tools for Ozone debug operations");
  debug->require_subcommand(1);
  RegisterLdbCommand(*debug, slot);
}

}  // namespace ozone::tools
