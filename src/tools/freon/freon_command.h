// `ozone freon`: Ozone's load generators. Now: omkg (om-key-generator: keys without data, open +
// commit) and ombg (om-bucket-generator), on FreonRunner; data generators come with the
// datanodes.
//
// Thread-safety: used by the one thread that runs the CLI.
#pragma once

#include "tools/cli/command.h"

namespace CLI {
class App;
}

namespace ozone::tools {

void RegisterFreonCommand(CLI::App& app, ActionSlot& slot);

}  // namespace ozone::tools
