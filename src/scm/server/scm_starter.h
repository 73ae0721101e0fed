// `ozone scm --init` and `ozone scm --bootstrap` (Ozone's StorageContainerManager.scmInit /
// scmBootstrap), seed 001:
//
// Init [--clusterid=CID-...]:
//   - with ozone.scm.primordial.node.id set and this node not the primordial one (by node id or
//     host name): nothing to do, success;
//   - not initialized: writes <meta>/scm/current/VERSION (nodeType=SCM, clusterID given or a new
//     CID-<uuid>, scmUuid=<new uuid>, cTime, layoutVersion, scmHA=true,
//     primaryScmNodeId=<scmUuid>), creates scm.db and a one-node ring (its first configuration in
//     the Raft log);
//   - initialized already: nothing to change, success (a second init is harmless); a different
//     --clusterid is an error.
// Bootstrap:
//   - with ozone.scm.primordial.node.id set and this node the primordial one: nothing, success;
//   - asks the running SCMs (the configured ones but itself, retrying for
//     ozone.scm.info.wait.duration) for GetScmInfo: clusterID and the leader; writes VERSION with
//     that clusterID and a new scmUuid (primaryScmNodeId = the leader's scmUuid); leaves the ring
//     alone (the node joins when it starts);
//   - initialized already with the same clusterID: nothing, success; with another: an error
//     ("cluster id mismatch"), nothing written;
//   - no SCM reachable: an error after the wait, nothing written.
//
// Thread-safety: one command at a time.
#pragma once

#include <optional>
#include <string>

#include "common/config/configuration.h"
#include "common/result.h"

namespace ozone::scm {

struct InitResult {
  bool skipped = false;  // not this node's job (primordial rules) or already done
  std::string cluster_id;
  std::string scm_uuid;
  std::string message;  // what to print
};

Result<InitResult> InitScm(const config::Configuration& conf,
                           const std::optional<std::string>& cluster_id);
Result<InitResult> BootstrapScm(const config::Configuration& conf);

}  // namespace ozone::scm
