// LeaderGate: whether this SCM may serve a leader-only request, and if not, the NotLeader reply
// naming the leader's address *for the protocol that was called* (a follower asked on its block
// location port names the leader's block location port), as Ozone's translators do with
// SCMRatisServer.triggerNotLeaderException. The leader is found from the Raft ring (its Ratis
// address) and mapped to its configured node, whose per-node ports give the address.
// A leader that is not ready yet names itself: clients ask it again shortly.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <string>

#include "ha/ha_context.h"
#include "ha/ha_node.h"
#include "rpc/leader_hint.h"
#include "scm/server/scm_storage_config.h"

namespace ozone::scm {

enum class ScmProtocol : uint8_t { kBlock, kClient, kDatanode };

class LeaderGate {
 public:
  // `leader` returns the ring's leader as this node knows it (HaNode::Leader()).
  LeaderGate(const ScmStorageConfig* storage, const ha::HaContext* context,
             std::function<std::optional<raft::PeerInfo>()> leader);

  bool IsLeaderReady() const { return context_->IsLeaderReady(); }
  // The leader's address for `protocol`, if known.
  std::optional<rpc::LeaderHint> Hint(ScmProtocol protocol) const;
  // The NotLeader reply (with the hint in the trailing metadata).
  grpc::Status Reject(grpc::ServerContextBase* ctx, ScmProtocol protocol) const;
  // A Status from the managers that says this node lost leadership (NotLeader, Aborted) as the
  // NotLeader reply; nullopt for any other status.
  std::optional<grpc::Status> RejectIfNotLeader(grpc::ServerContextBase* ctx, ScmProtocol protocol,
                                                const Status& status) const;

 private:
  const ScmStorageConfig* storage_;
  const ha::HaContext* context_;
  std::function<std::optional<raft::PeerInfo>()> leader_;
};

}  // namespace ozone::scm
