// OmDecommission: the leader's side of `ozone admin om decommission` (Ozone's
// OMAdminProtocolServerSideImpl.decommission -> OzoneManagerRatisServer.removeOMFromRatisRing):
// removes an OM from the ring. The node must be a peer of this OM (in its peer list, not this OM
// itself: Ozone answers "OM node not present in the OM peer list." for both); the leader cannot
// remove itself (transfer the leadership first). A node the ring no longer has is done already
// (a repeated command succeeds). Once the removal is committed every OM drops the node from its
// peer list (OmPeerListUpdater). The operator is told to stop the node first; one still running
// is no longer replicated to and cannot be elected.
//
// Thread-safety: Remove may be called from any thread; it blocks until the change is committed.
#pragma once

#include <string>

#include "common/status.h"
#include "ha/ha_node.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

class OmDecommission {
 public:
  // Both must outlive this.
  OmDecommission(const OmStorageConfig* storage, ha::HaNode* node)
      : storage_(storage), node_(node) {}

  // Errors: FailedPrecondition with the reason (not a peer, the leader itself, the ring refused);
  // NotLeader from the ring when this OM is not (or no longer) the leader.
  ozone::Status Remove(const std::string& node_id);

 private:
  const OmStorageConfig* storage_;
  ha::HaNode* node_;
};

}  // namespace ozone::om
