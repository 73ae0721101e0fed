// The ring's identity and members as GetScmInfo answers it (Ozone's ScmInfo and
// SCMRatisServerImpl.getRatisRoles): clusterID, this SCM's scmUuid, and per member its peer id,
// Ratis address, role (from this node's view), configured node id and resolved IP address.
//
// Thread-safety: pure functions (name resolution may block briefly).
#pragma once

#include <string>

#include "ha/ha_node.h"
#include "scm.pb.h"
#include "scm/server/scm_storage_config.h"

namespace ozone::scm {

GetScmInfoResponse ScmInfoOf(const ha::HaNode& node, const ScmStorageConfig& storage,
                             const std::string& cluster_id, const std::string& scm_uuid);

// The first IPv4 (else IPv6) address `host` resolves to; empty if it does not.
std::string ResolveHost(const std::string& host);

}  // namespace ozone::scm
