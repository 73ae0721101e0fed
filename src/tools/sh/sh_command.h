// `ozone sh`: the object store shell (volume, bucket and key commands on the OM), as Ozone's:
// addresses as OzoneAddress parses them, --om-service-id, pretty JSON output, errors as one line
// naming Ozone's result code ("VOLUME_NOT_FOUND Volume vol1 is not found", exit 255).
// Key data (put/get/cat/cp) needs the datanodes and says so.
//
// Thread-safety: used by the one thread that runs the CLI.
#pragma once

#include "tools/cli/command.h"

namespace CLI {
class App;
}

namespace ozone::tools {

void RegisterShCommand(CLI::App& app, ActionSlot& slot);

}  // namespace ozone::tools
