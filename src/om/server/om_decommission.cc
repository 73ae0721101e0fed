#include "om/server/om_decommission.h"

#include <spdlog/spdlog.h>

namespace ozone::om {

ozone::Status OmDecommission::Remove(const std::string& node_id) {
  if (node_id == storage_->self.node_id) {
    return ozone::Status::FailedPrecondition(
        "OM " + node_id + " is the leader: Cannot remove current leader. Transfer the leadership "
        "first (ozone admin om transfer).");
  }
  if (!storage_->NodeById(node_id)) {
    return ozone::Status::FailedPrecondition("OM node not present in the OM peer list.");
  }
  raft::RaftStatus st = node_->Status();
  if (!st.configuration.Contains(node_id)) {
    spdlog::info("om {}: OM {} is not a member of the ring (already decommissioned)",
                 storage_->self.node_id, node_id);
    return ozone::Status::OK();
  }
  spdlog::info("om {}: removing OM {} from the ring", storage_->self.node_id, node_id);
  ozone::Status s = node_->RemovePeer(node_id);
  if (!s.ok()) {
    if (s.IsNotLeader()) return s;
    return ozone::Status::FailedPrecondition("Removing OM " + node_id +
                                             " from the ring failed: " + s.ToString());
  }
  spdlog::info("om {}: OM {} is no longer a member of the ring", storage_->self.node_id, node_id);
  return ozone::Status::OK();
}

}  // namespace ozone::om
