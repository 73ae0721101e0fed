#include "scm/server/leader_gate.h"

#include "rpc/not_leader_reply.h"

namespace ozone::scm {

LeaderGate::LeaderGate(const ScmStorageConfig* storage, const ha::HaContext* context,
                       std::function<std::optional<raft::PeerInfo>()> leader)
    : storage_(storage), context_(context), leader_(std::move(leader)) {}

std::optional<rpc::LeaderHint> LeaderGate::Hint(ScmProtocol protocol) const {
  std::optional<raft::PeerInfo> leader = leader_ ? leader_() : std::nullopt;
  if (!leader) return std::nullopt;
  std::optional<topology::ScmNodeDetails> node = storage_->NodeByRatisAddress(leader->address);
  if (!node) return std::nullopt;
  rpc::LeaderHint hint;
  hint.node_id = node->node_id;
  switch (protocol) {
    case ScmProtocol::kBlock:
      hint.address = node->block_client_address.ToString();
      break;
    case ScmProtocol::kClient:
      hint.address = node->client_address.ToString();
      break;
    case ScmProtocol::kDatanode:
      hint.address = node->datanode_address.ToString();
      break;
  }
  return hint;
}

grpc::Status LeaderGate::Reject(grpc::ServerContextBase* ctx, ScmProtocol protocol) const {
  return rpc::NotLeaderReply(ctx, storage_->self.node_id, Hint(protocol));
}

std::optional<grpc::Status> LeaderGate::RejectIfNotLeader(grpc::ServerContextBase* ctx,
                                                          ScmProtocol protocol,
                                                          const Status& status) const {
  if (status.IsNotLeader() || status.IsAborted()) return Reject(ctx, protocol);
  return std::nullopt;
}

}  // namespace ozone::scm
