// RunScmServer: `ozone scm` in the foreground: sets up the server's logging (the file given, else
// <ozone.metadata.dirs>/../logs/ozone-scm-<node>.log, plus stderr), builds and starts the
// StorageContainerManager, and runs it until SIGTERM or SIGINT, which stop it cleanly. Prints
// one line on `out` once started ("SCM <node> started ...").
//
// Thread-safety: call once per process, from the main thread, before other threads exist.
#pragma once

#include <ostream>
#include <string>

#include "common/config/configuration.h"
#include "common/status.h"

namespace ozone::scm {

Status RunScmServer(const config::Configuration& conf, const std::string& log_file,
                    std::ostream& out);

}  // namespace ozone::scm
