// The groups of `ozone admin` subcommands, each registered on the `admin` app.
#pragma once

#include "tools/cli/command.h"

namespace ozone::tools::admin {

void RegisterScmAdmin(CLI::App& admin, ActionSlot& slot);
// om roles|transfer|lifecycle.
void RegisterOmAdmin(CLI::App& admin, ActionSlot& slot);
void RegisterSafeModeAdmin(CLI::App& admin, ActionSlot& slot);
void RegisterContainerAdmin(CLI::App& admin, ActionSlot& slot);
// pipeline, datanode, containerbalancer, replicationmanager.
void RegisterClusterAdmin(CLI::App& admin, ActionSlot& slot);
// Subcommands of Ozone's set whose features arrive with later work (printTopology, cert):
// listed in the usage; running one says which work brings it and exits 255.
void RegisterLaterAdmin(CLI::App& admin, ActionSlot& slot);

}  // namespace ozone::tools::admin
