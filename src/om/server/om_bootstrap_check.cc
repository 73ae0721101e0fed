#include "om/server/om_bootstrap_check.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "om.grpc.pb.h"
#include "rpc/grpc_status.h"

namespace ozone::om {

namespace {

// Ozone's OMNodeDetails.getOMPrintInfo: "om1[host:port]".
std::string PrintInfo(const topology::OmNodeDetails& n) {
  return n.node_id + "[" + n.rpc_address.ToString() + "]";
}

}  // namespace

std::optional<std::string> OmBootstrapCheck::Problem(
    const topology::OmNodeDetails& self, const topology::OmNodeDetails& peer,
    const Result<OMConfigurationResponse>& answer) {
  const std::string remote = "Remote OM " + peer.node_id;
  if (!answer.ok()) return remote + " could not be asked: " + answer.status().ToString();
  if (!answer->success()) {
    return remote + " could not read its configuration: " + answer->errormsg();
  }
  for (const OMNodeInfo& n : answer->nodesinmemory()) {
    if (n.nodeid() == self.node_id) {
      return remote + " already contains bootstrapping OM(" + self.node_id +
             ") as part of its Raft group peers.";
    }
  }
  const OMNodeInfo* known = nullptr;
  for (const OMNodeInfo& n : answer->nodesinnewconf()) {
    if (n.nodeid() == self.node_id) known = &n;
  }
  if (known == nullptr) {
    return remote + " does not have the bootstrapping OM(" + self.node_id +
           ") information on reloading configs.";
  }
  const std::string theirs = known->hostaddress() + ":" + std::to_string(known->rpcport()) +
                             " (ratis port " + std::to_string(known->ratisport()) + ")";
  const std::string ours = self.rpc_address.ToString() + " (ratis port " +
                           std::to_string(self.ratis_port) + ")";
  if (theirs != ours) {
    return remote + " configuration has bootstrapping OM(" + self.node_id + ") address as " +
           theirs + " where the bootstrapping OM address is " + ours + ".";
  }
  if (known->nodestate() == DECOMMISSIONED) {
    return remote + " configuration has bootstrapping OM(" + self.node_id +
           ") in decommissioned nodes list - ozone.om.decommissioned.nodes." + self.service_id +
           ".";
  }
  return std::nullopt;
}

ozone::Status OmBootstrapCheck::Run(const topology::OmNodeDetails& self,
                             const std::vector<topology::OmNodeDetails>& peers,
                             const Fetch& fetch) {
  std::vector<std::string> without;
  for (const topology::OmNodeDetails& peer : peers) {
    std::optional<std::string> problem = Problem(self, peer, fetch(peer));
    if (!problem) continue;
    spdlog::error("om {}: remote OM config check failed on OM {}: {}", self.node_id, peer.node_id,
                  *problem);
    without.push_back(PrintInfo(peer));
  }
  if (without.empty()) {
    spdlog::info("om {}: every other OM has this OM in its configuration", self.node_id);
    return ozone::Status::OK();
  }
  // Ozone's OmUtils.getOMAddressListPrintString.
  std::string list = without.size() == 1 ? "OM [" : "OM(s) [";
  for (size_t i = 0; i < without.size(); ++i) list += (i > 0 ? "," : "") + without[i];
  list += "]";
  return ozone::Status::FailedPrecondition(
      list +
      " do not have or have incorrect information of the bootstrapping OM. Update their "
      "ozone-site.xml before proceeding.");
}

OmBootstrapCheck::Fetch OmBootstrapCheck::OverGrpc(std::chrono::milliseconds timeout) {
  return [timeout](const topology::OmNodeDetails& peer) -> Result<OMConfigurationResponse> {
    auto channel =
        grpc::CreateChannel(peer.rpc_address.ToString(), grpc::InsecureChannelCredentials());
    auto stub = OzoneManagerAdminService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + timeout);
    ctx.set_wait_for_ready(true);  // a peer still starting is waited for, within the deadline
    OMConfigurationRequest request;
    OMConfigurationResponse response;
    grpc::Status s = stub->GetOMConfiguration(&ctx, request, &response);
    if (!s.ok()) return rpc::FromGrpc(s);
    return response;
  };
}

}  // namespace ozone::om
