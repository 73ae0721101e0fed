#include "om/server/om_configuration_service.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace ozone::om {

namespace {

void Fill(const topology::OmNodeDetails& n, bool decommissioned, OMNodeInfo* info) {
  info->set_nodeid(n.node_id);
  info->set_hostaddress(n.rpc_address.host);
  info->set_rpcport(static_cast<uint32_t>(n.rpc_address.port));
  info->set_ratisport(static_cast<uint32_t>(n.ratis_port));
  info->set_nodestate(decommissioned ? DECOMMISSIONED : ACTIVE);
}

}  // namespace

OMConfigurationResponse OmConfigurationService::Answer(
    const OmStorageConfig& storage, const raft::Configuration& ring,
    const Result<config::Configuration>& reloaded) {
  OMConfigurationResponse r;
  for (const raft::PeerInfo& member : ring.peers) {
    OMNodeInfo* info = r.add_nodesinmemory();
    if (std::optional<topology::OmNodeDetails> n = storage.NodeById(member.id)) {
      Fill(*n, false, info);
      continue;
    }
    // A member this OM has no configuration for: what the ring says (no RPC port).
    info->set_nodeid(member.id);
    info->set_hostaddress(member.address.substr(0, member.address.rfind(':')));
    info->set_rpcport(0);
    uint32_t ratis_port = 0;
    if (auto colon = member.address.rfind(':'); colon != std::string::npos) {
      ratis_port = static_cast<uint32_t>(std::strtoul(member.address.c_str() + colon + 1,
                                                      nullptr, 10));
    }
    info->set_ratisport(ratis_port);
  }
  if (!reloaded.ok()) {
    r.set_success(false);
    r.set_errormsg("cannot re-read the configuration: " + reloaded.status().ToString());
    return r;
  }
  Result<std::vector<OmStorageConfig::ConfiguredOm>> configured =
      storage.ConfiguredNodes(*reloaded);
  if (!configured.ok()) {
    r.set_success(false);
    r.set_errormsg("the re-read configuration is invalid: " + configured.status().ToString());
    return r;
  }
  for (const auto& c : *configured) Fill(c.node, c.decommissioned, r.add_nodesinnewconf());
  r.set_success(true);
  return r;
}

grpc::Status OmConfigurationService::GetOMConfiguration(grpc::ServerContext* /*context*/,
                                                        const OMConfigurationRequest* /*request*/,
                                                        OMConfigurationResponse* response) {
  Result<config::Configuration> reloaded = reloader_->Reload();
  *response = Answer(*storage_, ring_(), reloaded);
  spdlog::info("om {}: answered GetOMConfiguration after re-reading {} ({} OMs in the ring, {} "
               "configured{})",
               storage_->self.node_id, reloader_->config_dir(), response->nodesinmemory_size(),
               response->nodesinnewconf_size(),
               response->success() ? "" : ": " + response->errormsg());
  return grpc::Status::OK;
}

grpc::Status OmConfigurationService::Decommission(grpc::ServerContext* context,
                                                  const DecommissionOMRequest* request,
                                                  DecommissionOMResponse* response) {
  if (!gate_->IsLeaderReady()) return gate_->Reject(context);
  spdlog::info("om {}: decommission of OM {} ({}) asked", storage_->self.node_id,
               request->nodeid(), request->nodeaddress());
  ozone::Status s = decommission_->Remove(request->nodeid());
  if (!s.ok()) {
    if (auto reject = gate_->RejectIfNotLeader(context, s)) return *reject;
    spdlog::warn("om {}: decommission of OM {} failed: {}", storage_->self.node_id,
                 request->nodeid(), s.message());
    response->set_success(false);
    response->set_errormsg(std::string(s.message()));
    return grpc::Status::OK;
  }
  response->set_success(true);
  return grpc::Status::OK;
}

}  // namespace ozone::om
