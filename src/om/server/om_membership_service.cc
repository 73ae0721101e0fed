#include "om/server/om_membership_service.h"

#include <spdlog/spdlog.h>

#include "rpc/grpc_status.h"

namespace ozone::om {

grpc::Status OmMembershipService::Bootstrap(grpc::ServerContext* context,
                                            const BootstrapOmRequest* request,
                                            BootstrapOmResponse* /*response*/) {
  if (!gate_->IsLeaderReady()) return gate_->Reject(context);
  std::optional<topology::OmNodeDetails> known = storage_->NodeById(request->nodeid());
  if (!known || known->RatisAddress().ToString() != request->ratisaddress()) {
    return rpc::ToGrpc(ozone::Status::FailedPrecondition(
        "RATIS_BOOTSTRAP_ERROR " + storage_->self.node_id + "[" +
        storage_->self.rpc_address.ToString() +
        "] do not have or have incorrect information of the bootstrapping OM " +
        request->nodeid() + " (" + request->ratisaddress() +
        "). Update their ozone-site.xml before proceeding."));
  }
  raft::RaftStatus st = node_->Status();
  if (const raft::PeerInfo* p = st.configuration.Find(request->nodeid())) {
    if (p->role == raft::PeerRole::kVoter) return grpc::Status::OK;
  }
  spdlog::info("om {}: adding OM {} ({}) to the ring", storage_->self.node_id, request->nodeid(),
               request->ratisaddress());
  ozone::Status s = node_->AddPeer(
      raft::PeerInfo{request->nodeid(), request->ratisaddress(), raft::PeerRole::kVoter},
      add_timeout_);
  if (!s.ok()) {
    if (auto reject = gate_->RejectIfNotLeader(context, s)) return *reject;
    return rpc::ToGrpc(ozone::Status::Internal("RATIS_BOOTSTRAP_ERROR Adding OM " + request->nodeid() +
                                        " failed: " + s.ToString()));
  }
  spdlog::info("om {}: OM {} is a voting member of the ring", storage_->self.node_id,
               request->nodeid());
  return grpc::Status::OK;
}

}  // namespace ozone::om
