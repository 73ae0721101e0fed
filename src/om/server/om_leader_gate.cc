#include "om/server/om_leader_gate.h"

#include "rpc/grpc_status.h"
#include "rpc/not_leader_reply.h"

namespace ozone::om {

OmLeaderGate::OmLeaderGate(const OmStorageConfig* storage, const ha::HaContext* context,
                           std::function<std::optional<raft::PeerInfo>()> leader)
    : storage_(storage), context_(context), leader_(std::move(leader)) {}

std::optional<rpc::LeaderHint> OmLeaderGate::Hint() const {
  std::optional<raft::PeerInfo> leader = leader_ ? leader_() : std::nullopt;
  if (!leader) return std::nullopt;
  std::optional<topology::OmNodeDetails> node = storage_->NodeById(leader->id);
  if (!node) node = storage_->NodeByRatisAddress(leader->address);
  if (!node) return std::nullopt;
  return rpc::LeaderHint{node->rpc_address.ToString(), node->node_id};
}

OmLeaderGate::Rejection OmLeaderGate::Rejected() const {
  const topology::OmNodeDetails& self = storage_->self;
  if (context_->IsLeader()) {
    // Leader, not ready: the client asks this node again.
    return {
        ozone::Status::NotLeader(self.node_id + " is Leader but not ready to process request yet."),
        rpc::LeaderHint{self.rpc_address.ToString(), self.node_id}};
  }
  std::optional<rpc::LeaderHint> hint = Hint();
  if (hint && hint->node_id == self.node_id) hint.reset();  // stale view of itself
  return {ozone::Status::NotLeader(rpc::NotLeaderMessage(self.node_id, hint)), hint};
}

std::optional<OmLeaderGate::Rejection> OmLeaderGate::RejectedIfNotLeader(
    const ozone::Status& status) const {
  if (status.IsNotLeader() || status.IsAborted()) return Rejected();
  return std::nullopt;
}

grpc::Status OmLeaderGate::Reject(grpc::ServerContextBase* ctx) const {
  const Rejection r = Rejected();
  rpc::AddLeaderHint(ctx, r.leader);
  return rpc::ToGrpc(r.status);
}

std::optional<grpc::Status> OmLeaderGate::RejectIfNotLeader(grpc::ServerContextBase* ctx,
                                                            const ozone::Status& status) const {
  std::optional<Rejection> r = RejectedIfNotLeader(status);
  if (!r) return std::nullopt;
  rpc::AddLeaderHint(ctx, r->leader);
  return rpc::ToGrpc(r->status);
}

}  // namespace ozone::om
