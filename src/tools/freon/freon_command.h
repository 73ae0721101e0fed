// `ozone freon`: Ozone's load generators. Now: omkg (om-key-generator: keys without data, open +
// commit) and ombg (om-bucket-generator), on FreonRunner, and randomkeys (rk, the SCM HA
// documents' generator: volumes, buckets and keys, empty ones until the datanodes come).
//
// Thread-safety: used by the one thread that runs the CLI.
#pragma once

#include <string>

#include "tools/cli/command.h"

namespace CLI {
class App;
}

namespace ozone::tools {

// `revision` (the build's) is what randomkeys prints as its Git Base Revision.
void RegisterFreonCommand(CLI::App& app, ActionSlot& slot, const std::string& revision);

}  // namespace ozone::tools
