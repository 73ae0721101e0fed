#include "scm/server/scm_membership.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "scm/ha/scm_requests.h"

namespace ozone::scm {

ScmMembership::ScmMembership(ha::HaNode* node, std::string cluster_id,
                             std::chrono::milliseconds add_timeout)
    : node_(node), cluster_id_(std::move(cluster_id)), add_timeout_(add_timeout) {}

Status ScmMembership::AddScm(const AddScmRequest& request) {
  if (request.clusterid() != cluster_id_) {
    return ScmStatus(CLUSTER_ID_MISMATCH, "SCM " + request.scmid() + " belongs to cluster " +
                                              request.clusterid() + ", this ring to " +
                                              cluster_id_);
  }
  if (request.scmid().empty() || request.ratisaddress().empty()) {
    return ScmStatus(INVALID_ARGUMENT, "AddScm needs the scmId and the Ratis address");
  }
  raft::RaftStatus st = node_->Status();
  if (const raft::PeerInfo* p = st.configuration.Find(request.scmid())) {
    if (p->role == raft::PeerRole::kVoter) return Status::OK();
  }
  for (const raft::PeerInfo& p : st.configuration.peers) {
    if (p.address == request.ratisaddress() && p.id != request.scmid()) {
      return ScmStatus(FAILED_TO_ADD_SCM, "the Ratis address " + request.ratisaddress() +
                                              " belongs to member " + p.id +
                                              ": decommission it first");
    }
  }
  spdlog::info("scm: adding SCM {} ({}) to the ring", request.scmid(), request.ratisaddress());
  Status s = node_->AddPeer(
      raft::PeerInfo{request.scmid(), request.ratisaddress(), raft::PeerRole::kVoter},
      add_timeout_);
  if (!s.ok()) {
    if (s.IsNotLeader()) return s;
    return ScmStatus(FAILED_TO_ADD_SCM,
                     "Adding SCM " + request.scmid() + " failed: " + s.ToString());
  }
  spdlog::info("scm: SCM {} is a voting member of the ring", request.scmid());
  return Status::OK();
}

Status ScmMembership::RemoveScm(const std::string& scm_id) {
  raft::RaftStatus st = node_->Status();
  if (st.leader && *st.leader == scm_id) {
    return ScmStatus(FAILED_TO_REMOVE_SCM, "Cannot remove current leader.");
  }
  if (!st.configuration.Contains(scm_id)) {
    return ScmStatus(FAILED_TO_REMOVE_SCM,
                     "ScmId " + scm_id + " supplied for scm removal not in Ratis Peer list");
  }
  Status s = node_->RemovePeer(scm_id);
  if (!s.ok() && !s.IsNotLeader()) return ScmStatus(FAILED_TO_REMOVE_SCM, s.message());
  if (s.ok()) spdlog::info("scm: removed SCM {} from the ring", scm_id);
  return s;
}

Result<std::string> ScmMembership::TransferLeadership(const std::optional<std::string>& target) {
  raft::RaftStatus st = node_->Status();
  if (target) {
    const raft::PeerInfo* p = st.configuration.Find(*target);
    if (p == nullptr) {
      return ScmStatus(INVALID_ARGUMENT, "Target " + *target + " is not a member of the ring");
    }
    if (p->role != raft::PeerRole::kVoter) {
      return ScmStatus(INVALID_ARGUMENT, "Target " + *target + " not in FOLLOWER role");
    }
    if (st.leader && *st.leader == *target) return *target;
  }
  Status s = node_->TransferLeadership(target);
  if (!s.ok()) {
    if (s.IsNotLeader()) return s;
    return ScmStatus(INTERNAL_ERROR, "Failed to transfer leadership: " + s.ToString());
  }
  std::optional<raft::PeerInfo> leader = node_->Leader();
  return leader ? leader->id : target.value_or("");
}

}  // namespace ozone::scm
