// `ozone admin`: Ozone's administration commands, with Ozone's subcommand set (scm, om, safemode,
// container, pipeline, datanode, containerbalancer, replicationmanager, printTopology, cert) and
// output formats (reference/ozone-ha.md §1.16, cli-compat.md). They talk to the SCM leader through
// client::ScmClient (failover over the configured SCMs; `--scm`, `--service-id`/`-id`).
#pragma once

#include <string>
#include <vector>

#include "tools/cli/command.h"

namespace ozone::tools {

void RegisterAdminCommand(CLI::App& root, ActionSlot& slot);

// Rewrites Ozone's single-dash long options of `ozone admin` (`-id svc`) into the long forms the
// parser knows (`--service-id svc`). Other commands' arguments are left alone.
void NormalizeAdminArgs(std::vector<std::string>* args);

}  // namespace ozone::tools
