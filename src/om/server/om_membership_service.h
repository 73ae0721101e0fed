// OmMembershipService: the leader's side of `ozone om --bootstrap` (Ozone's
// OMInterServiceProtocol.bootstrap and OzoneManagerRatisServer.addOMToRatisRing), a gRPC
// service on the OM's RPC port. A bootstrapping OM asks to join; the leader first checks that
// its own configuration knows the node with that Raft address (reference/ozone-ha.md §3.10:
// every OM's ozone.om.nodes.<svc> must list the new node first; otherwise FAILED_PRECONDITION
// "<address> do not have or have incorrect information of the bootstrapping OM. Update their
// ozone-site.xml before proceeding."), then adds it as a learner, lets it catch up (a checkpoint
// install when the log no longer has what it needs) and promotes it to voter. A member asking
// again is answered at once. Followers answer with the NotLeader reply.
//
// Thread-safety: gRPC calls Bootstrap from many threads; it blocks while the node catches up.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "ha/ha_node.h"
#include "om.grpc.pb.h"
#include "om/server/om_leader_gate.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

class OmMembershipService final : public OzoneManagerInterService::Service {
 public:
  // All must outlive the service.
  OmMembershipService(const OmStorageConfig* storage, const OmLeaderGate* gate, ha::HaNode* node,
                      std::chrono::milliseconds add_timeout)
      : storage_(storage), gate_(gate), node_(node), add_timeout_(add_timeout) {}

  grpc::Status Bootstrap(grpc::ServerContext* context, const BootstrapOmRequest* request,
                         BootstrapOmResponse* response) override;

 private:
  const OmStorageConfig* storage_;
  const OmLeaderGate* gate_;
  ha::HaNode* node_;
  const std::chrono::milliseconds add_timeout_;
};

}  // namespace ozone::om
