// `ozone scm`: the Storage Container Manager.
//   ozone scm --init [--clusterid=CID-...]   initialize this node (primordial: a one-node ring)
//   ozone scm --bootstrap                     join the running ring's cluster (VERSION only; the
//                                             node is added to the ring when it starts)
//   ozone scm                                 run the server in the foreground; SIGTERM/SIGINT
//                                             stop it cleanly. Logs go to --log FILE, else to
//                                             <ozone.metadata.dirs>/../logs/ozone-scm-<node>.log.
#pragma once

#include "tools/cli/command.h"

namespace ozone::tools {

void RegisterScmCommand(CLI::App& root, ActionSlot& slot);

}  // namespace ozone::tools
