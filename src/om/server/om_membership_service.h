// OmMembershipService: the leader's side of `ozone om --bootstrap` (Ozone's
// OMInterServiceProtocol.bootstrap and OzoneManagerRatisServer.addOMToRatisRing), a gRPC
// service on the OM's RPC port. A bootstrapping OM asks to join; the leader first checks that
// its configuration knows the node with that Raft address (reference/ozone-ha.md §3.10: every
// OM's ozone.om.nodes.<svc> must list the new node first). When its peer list does not have the
// node (or has another address), it re-reads ozone-site.xml (config::ConfigReloader) and takes
// the node from there, so the running leader needs no restart. Still unknown:
// FAILED_PRECONDITION "RATIS_BOOTSTRAP_ERROR <leader>[<address>] do not have or have incorrect
// information of the bootstrapping OM ... Update their ozone-site.xml before proceeding.",
// unless the request says force (`--bootstrap --force`: the node is added with the address it
// gave). Then the leader adds it as a learner, lets it catch up (a checkpoint install when the
// log no longer has what it needs) and promotes it to voter; a listener (the request says so:
// the node is in its ozone.om.listener.nodes.<svc>) stays a learner. A member asking again is
// answered at once. Followers answer with the NotLeader reply.
//
// Thread-safety: gRPC calls Bootstrap from many threads; it blocks while the node catches up.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "common/config/config_reloader.h"
#include "ha/ha_node.h"
#include "om.grpc.pb.h"
#include "om/server/om_leader_gate.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

class OmMembershipService final : public OzoneManagerInterService::Service {
 public:
  // All must outlive the service.
  OmMembershipService(OmStorageConfig* storage, const config::ConfigReloader* reloader,
                      const OmLeaderGate* gate, ha::HaNode* node,
                      std::chrono::milliseconds add_timeout)
      : storage_(storage),
        reloader_(reloader),
        gate_(gate),
        node_(node),
        add_timeout_(add_timeout) {}

  grpc::Status Bootstrap(grpc::ServerContext* context, const BootstrapOmRequest* request,
                         BootstrapOmResponse* response) override;

 private:
  // Whether this OM's configuration has `node_id` with `ratis_address`, re-reading
  // ozone-site.xml when the peer list does not; the reason when not.
  ozone::Status CheckKnown(const std::string& node_id, const std::string& ratis_address);

  OmStorageConfig* storage_;
  const config::ConfigReloader* reloader_;
  const OmLeaderGate* gate_;
  ha::HaNode* node_;
  const std::chrono::milliseconds add_timeout_;
};

}  // namespace ozone::om
