// OmLeaderGate: whether this OM may serve a request, and if not, the reply that sends the client
// elsewhere (Ozone's OzoneManager.checkLeaderStatus, OMNotLeaderException and
// OMLeaderNotReadyException), through src/rpc's NotLeader mechanism:
//   - not the leader: NotLeader naming the leader's client RPC address
//     (ozone.om.address.<svc>.<leader>) in the trailing metadata, so the client fails over to it;
//   - the leader, not ready yet (its term's first entry not applied): NotLeader naming this node
//     itself with Ozone's message "<id> is Leader but not ready to process request yet.", which
//     the client takes as "retry the same node".
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>

#include "ha/ha_context.h"
#include "ha/ha_node.h"
#include "om/server/om_storage_config.h"
#include "rpc/leader_hint.h"

namespace ozone::om {

class OmLeaderGate {
 public:
  // `leader` returns the ring's leader as this node knows it (HaNode::Leader()).
  OmLeaderGate(const OmStorageConfig* storage, const ha::HaContext* context,
               std::function<std::optional<raft::PeerInfo>()> leader);

  bool IsLeaderReady() const { return context_->IsLeaderReady(); }
  // The leader's client RPC address, if known.
  std::optional<rpc::LeaderHint> Hint() const;
  // What a node that is not the ready leader answers (see above), for any transport: the
  // NotLeader status and where the client should go.
  struct Rejection {
    ozone::Status status;
    std::optional<rpc::LeaderHint> leader;
  };
  Rejection Rejected() const;
  // Rejected() if `status` (from the execution flow) says this node lost leadership (NotLeader,
  // Aborted); nullopt for any other status.
  std::optional<Rejection> RejectedIfNotLeader(const ozone::Status& status) const;

  // The reply of a node that is not the ready leader (see above), as a gRPC reply.
  grpc::Status Reject(grpc::ServerContextBase* ctx) const;
  // A Status from the execution flow that says this node lost leadership (NotLeader, Aborted)
  // as the NotLeader reply; nullopt for any other status.
  std::optional<grpc::Status> RejectIfNotLeader(grpc::ServerContextBase* ctx,
                                                const ozone::Status& status) const;

 private:
  const OmStorageConfig* storage_;
  const ha::HaContext* context_;
  std::function<std::optional<raft::PeerInfo>()> leader_;
};

}  // namespace ozone::om
