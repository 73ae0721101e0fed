// How subcommands plug into the `ozone` command: each module registers its CLI11 subcommands
// on a parent and, for the one the user picked, stores the action to run after parsing.
// An action returns a Status; an error is printed as one line and exits 255.
//
// Thread-safety: used by the one thread that runs the CLI.
#pragma once

#include <functional>

#include "common/status.h"
#include "tools/cli/command_context.h"

namespace CLI {
class App;
}

namespace ozone::tools {

using Action = std::function<Status(CommandContext&)>;

// Where a subcommand's parse callback leaves its action.
struct ActionSlot {
  Action action;
};

// Sets `slot` to `action` when `app` is the subcommand that was invoked.
void OnInvoke(CLI::App* app, ActionSlot* slot, Action action);

}  // namespace ozone::tools
