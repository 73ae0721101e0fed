#include "om/server/om_membership_service.h"

#include <spdlog/spdlog.h>

#include "rpc/grpc_status.h"

namespace ozone::om {

ozone::Status OmMembershipService::CheckKnown(const std::string& node_id,
                                              const std::string& ratis_address) {
  std::optional<topology::OmNodeDetails> known = storage_->NodeById(node_id);
  if (known && known->RatisAddress().ToString() == ratis_address) return ozone::Status::OK();
  // Ozone's addOMNodeToPeers: the operator may have added the node to ozone-site.xml after this
  // OM started.
  Result<config::Configuration> conf = reloader_->Reload();
  if (!conf.ok()) {
    return conf.status().WithContext("cannot re-read the configuration from " +
                                     reloader_->config_dir());
  }
  Result<topology::OmNodeDetails> learnt = storage_->LearnNode(*conf, node_id);
  if (!learnt.ok()) return learnt.status();
  spdlog::info("om {}: re-read {}: OM {} is at rpc {}, ratis {}", storage_->self.node_id,
               reloader_->config_dir(), node_id, learnt->rpc_address.ToString(),
               learnt->RatisAddress().ToString());
  if (learnt->RatisAddress().ToString() != ratis_address) {
    return ozone::Status::FailedPrecondition("the configuration has OM " + node_id +
                                             " at Raft address " +
                                             learnt->RatisAddress().ToString());
  }
  return ozone::Status::OK();
}

grpc::Status OmMembershipService::Bootstrap(grpc::ServerContext* context,
                                            const BootstrapOmRequest* request,
                                            BootstrapOmResponse* /*response*/) {
  if (!gate_->IsLeaderReady()) return gate_->Reject(context);
  ozone::Status known = CheckKnown(request->nodeid(), request->ratisaddress());
  if (!known.ok()) {
    if (!request->force()) {
      return rpc::ToGrpc(ozone::Status::FailedPrecondition(
          "RATIS_BOOTSTRAP_ERROR " + storage_->self.node_id + "[" +
          storage_->self.rpc_address.ToString() +
          "] do not have or have incorrect information of the bootstrapping OM " +
          request->nodeid() + " (" + request->ratisaddress() + "): " + known.ToString() +
          ". Update their ozone-site.xml before proceeding."));
    }
    spdlog::warn("om {}: force bootstrap of OM {} ({}) although this OM's configuration does not "
                 "have it: {}",
                 storage_->self.node_id, request->nodeid(), request->ratisaddress(),
                 known.ToString());
  }
  raft::RaftStatus st = node_->Status();
  if (const raft::PeerInfo* p = st.configuration.Find(request->nodeid())) {
    if (p->role == raft::PeerRole::kVoter) return grpc::Status::OK;
  }
  const bool listener = request->islistener();
  spdlog::info("om {}: adding OM {} ({}) to the ring{}", storage_->self.node_id,
               request->nodeid(), request->ratisaddress(), listener ? " as a listener" : "");
  const raft::PeerInfo peer{request->nodeid(), request->ratisaddress(),
                            listener ? raft::PeerRole::kLearner : raft::PeerRole::kVoter};
  ozone::Status s = listener ? node_->AddLearner(peer) : node_->AddPeer(peer, add_timeout_);
  if (!s.ok()) {
    if (auto reject = gate_->RejectIfNotLeader(context, s)) return *reject;
    return rpc::ToGrpc(ozone::Status::Internal("RATIS_BOOTSTRAP_ERROR Adding OM " +
                                               request->nodeid() + " failed: " + s.ToString()));
  }
  spdlog::info("om {}: OM {} is a {} of the ring", storage_->self.node_id, request->nodeid(),
               listener ? "listener" : "voting member");
  return grpc::Status::OK;
}

}  // namespace ozone::om
