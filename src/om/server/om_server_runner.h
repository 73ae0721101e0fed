// RunOmServer: `ozone om` (and `ozone om --bootstrap`) in the foreground: sets up the server's
// logging (the file given, else <ozone.metadata.dirs>/../logs/ozone-om-<node>.log, plus stderr),
// builds and starts the OzoneManager, and runs it until SIGTERM or SIGINT, which stop it
// cleanly. Prints one line on `out` once started: "OM <node> started[, logging to <file>]".
//
// Thread-safety: call once per process, from the main thread, before other threads exist.
#pragma once

#include <ostream>
#include <string>

#include "common/config/configuration.h"
#include "common/status.h"
#include "om/server/ozone_manager.h"

namespace ozone::om {

ozone::Status RunOmServer(const config::Configuration& conf, OzoneManagerOptions options,
                   const std::string& log_file, std::ostream& out);

}  // namespace ozone::om
