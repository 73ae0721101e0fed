#include "scm/server/datanode_protocol_service.h"

#include "rpc/grpc_status.h"
#include "scm/node/datanode_details.h"

namespace ozone::scm {

grpc::Status DatanodeProtocolService::Register(grpc::ServerContext* /*ctx*/,
                                               const RegisterRequest* req, RegisterResponse* resp) {
  const std::string uuid = d_.nodes->Register(req->datanodedetails(), req->nodereport());
  if (uuid.empty()) {
    return rpc::ToGrpc(Status::InvalidArgument("a datanode registers with its uuid"));
  }
  if (req->has_containerreport())
    d_.containers->ProcessContainerReport(uuid, req->containerreport());
  if (req->has_pipelinereports()) d_.pipelines->ProcessPipelineReport(uuid, req->pipelinereports());
  resp->set_errorcode(RegisterResponse::success);
  resp->set_datanodeuuid(uuid);
  resp->set_clusterid(d_.cluster_id);
  resp->set_hostname(req->datanodedetails().hostname());
  resp->set_ipaddress(req->datanodedetails().ipaddress());
  if (d_.on_reports) d_.on_reports();
  return grpc::Status::OK;
}

grpc::Status DatanodeProtocolService::Heartbeat(grpc::ServerContext* /*ctx*/,
                                                const HeartbeatRequest* req,
                                                HeartbeatResponse* resp) {
  const std::string uuid = DatanodeUuid(req->datanodedetails());
  if (uuid.empty()) {
    return rpc::ToGrpc(Status::InvalidArgument("a heartbeat carries the datanode's uuid"));
  }
  const bool registered = d_.nodes->IsRegistered(uuid);
  if (registered) {
    // Reports first, so that commands they lead to can leave with this heartbeat's answer.
    if (req->has_containerreport()) {
      d_.containers->ProcessContainerReport(uuid, req->containerreport());
    }
    for (const auto& icr : req->incrementalcontainerreport()) {
      d_.containers->ProcessIncrementalReport(uuid, icr);
    }
    for (const auto& reports : req->commandstatusreports()) {
      for (const CommandStatus& s : reports.cmdstatus()) {
        if (s.type() == SCMCommandProto::deleteBlocksCommand) {
          d_.deleted_blocks->ProcessCommandStatus(uuid, s);
        }
      }
    }
    if (req->has_pipelinereports()) {
      d_.pipelines->ProcessPipelineReport(uuid, req->pipelinereports());
    }
  }
  const bool leader = d_.context->IsLeader();
  std::vector<SCMCommandProto> commands =
      d_.nodes->Heartbeat(uuid, req->has_nodereport() ? &req->nodereport() : nullptr, leader);
  resp->set_datanodeuuid(uuid);
  for (auto& c : commands) *resp->add_commands() = std::move(c);
  if (leader) {
    if (Result<Term> term = d_.context->TermOfLeader(); term.ok()) {
      resp->set_term(static_cast<int64_t>(term->value()));
    }
  }
  if (registered && d_.on_reports) d_.on_reports();
  return grpc::Status::OK;
}

}  // namespace ozone::scm
