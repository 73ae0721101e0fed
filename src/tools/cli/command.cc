#include "tools/cli/command.h"

#include <CLI/CLI.hpp>

namespace ozone::tools {

void OnInvoke(CLI::App* app, ActionSlot* slot, Action action) {
  app->parse_complete_callback([slot, action = std::move(action)] { slot->action = action; });
}

}  // namespace ozone::tools
