// `ozone om`: the Ozone Manager (Ozone's OzoneManagerStarter).
//   ozone om --init          initialize this node: the cluster id from SCM, om/current/VERSION
//                            (run on every OM; a re-run is harmless)
//   ozone om --bootstrap     initialize if needed, check that every other OM has this one in its
//                            (re-read) ozone-site.xml, then start and join the running OM ring
//                            (the new node must be in every OM's ozone.om.nodes.<svc> first; the
//                            running OMs need no restart)
//   ozone om --bootstrap --force   the same without the check
//   ozone om                 run the server in the foreground ("OM <node> started" once up);
//                            SIGTERM/SIGINT stop it cleanly. Logs go to --log FILE, else to
//                            <ozone.metadata.dirs>/../logs/ozone-om-<node>.log.
#pragma once

#include "tools/cli/command.h"

namespace ozone::tools {

void RegisterOmCommand(CLI::App& root, ActionSlot& slot);

}  // namespace ozone::tools
