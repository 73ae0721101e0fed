#include "om/server/om_ring_admin.h"

#include <spdlog/spdlog.h>

#include "om/request/om_client_request.h"

namespace ozone::om {

namespace {

OMResponse OkResponse(const OMRequest& request) {
  OMResponse r;
  r.set_cmdtype(request.cmdtype());
  if (request.has_traceid()) r.set_traceid(request.traceid());
  r.set_success(true);
  r.set_status(OK);
  return r;
}

void AddMember(const raft::PeerStatus& p, const OmStorageConfig& storage,
               ServiceListResponse* list) {
  ServiceInfo* info = list->add_serviceinfo();
  info->set_nodetype("OM");
  std::string host = p.peer.address.substr(0, p.peer.address.rfind(':'));
  std::string node_id = p.peer.id;
  uint32_t rpc_port = 0;
  uint32_t ratis_port = 0;
  if (auto colon = p.peer.address.rfind(':'); colon != std::string::npos) {
    ratis_port = static_cast<uint32_t>(std::stoul(p.peer.address.substr(colon + 1)));
  }
  if (auto n = storage.NodeById(p.peer.id)) {
    host = n->rpc_address.host;
    rpc_port = static_cast<uint32_t>(n->rpc_address.port);
    ratis_port = static_cast<uint32_t>(n->ratis_port);
  }
  info->set_hostname(host);
  if (rpc_port != 0) {
    ServicePort* port = info->add_serviceports();
    port->set_type(ServicePort::RPC);
    port->set_value(rpc_port);
  }
  ServicePort* port = info->add_serviceports();
  port->set_type(ServicePort::RATIS);
  port->set_value(ratis_port);
  OMRoleInfo* role = info->mutable_omrole();
  role->set_nodeid(node_id);
  // Ozone's roles: a non-voting member is a Ratis LISTENER.
  role->set_serverrole(p.role == "LEADER"    ? "LEADER"
                       : p.role == "LEARNER" ? "LISTENER"
                                             : "FOLLOWER");
}

}  // namespace

OMResponse OmRingAdmin::ServiceList(const OMRequest& request) const {
  OMResponse r = OkResponse(request);
  ServiceListResponse* list = r.mutable_servicelistresponse();
  std::vector<raft::PeerStatus> roles = node_->Roles();
  for (const raft::PeerStatus& p : roles) {
    if (p.peer.id != storage_->self.node_id) AddMember(p, *storage_, list);
  }
  for (const raft::PeerStatus& p : roles) {
    if (p.peer.id == storage_->self.node_id) AddMember(p, *storage_, list);
  }
  return r;
}

Result<OMResponse> OmRingAdmin::TransferLeadership(const OMRequest& request) {
  std::optional<std::string> target;
  if (request.has_transferomleadershiprequest() &&
      request.transferomleadershiprequest().has_newleaderid() &&
      !request.transferomleadershiprequest().newleaderid().empty()) {
    target = request.transferomleadershiprequest().newleaderid();
  }
  raft::RaftStatus st = node_->Status();
  if (target) {
    const raft::PeerInfo* p = st.configuration.Find(*target);
    if (p == nullptr) {
      return ErrorResponse(request, INVALID_REQUEST,
                           "Target " + *target + " is not a member of the OM ring");
    }
    if (p->role != raft::PeerRole::kVoter) {
      // Ozone's message, and Ratis's wording its robot tests look for.
      return ErrorResponse(request, INVALID_REQUEST,
                           "Target " + *target + " not in FOLLOWER role: " + *target +
                               " is a LISTENER (not in Follower role)");
    }
    if (st.leader && *st.leader == *target) {
      OMResponse r = OkResponse(request);
      r.mutable_transferomleadershipresponse();
      return r;
    }
  }
  spdlog::info("om {}: transferring leadership to {}", storage_->self.node_id,
               target.value_or("the most up-to-date follower"));
  ozone::Status s = node_->TransferLeadership(target);
  if (!s.ok()) {
    if (s.IsNotLeader()) return s;
    return ErrorResponse(request, INTERNAL_ERROR, "Failed to transfer leadership: " + s.ToString());
  }
  OMResponse r = OkResponse(request);
  r.mutable_transferomleadershipresponse();
  return r;
}

}  // namespace ozone::om
