#include "om/server/om_protocol_service.h"

#include "rpc/grpc_status.h"

namespace ozone::om {

grpc::Status OmProtocolService::Submit(grpc::ServerContext* context, const OMRequest* request,
                                       OMResponse* response) {
  if (!gate_->IsLeaderReady()) return gate_->Reject(context);
  Result<OMResponse> r = ozone::Status::Internal("unreachable");
  switch (request->cmdtype()) {
    case ServiceList:
      r = admin_->ServiceList(*request);
      break;
    case TransferLeadership:
      r = admin_->TransferLeadership(*request);
      break;
    default:
      r = flow_->Submit(*request);
      break;
  }
  if (!r.ok()) {
    if (auto reject = gate_->RejectIfNotLeader(context, r.status())) return *reject;
    return rpc::ToGrpc(r.status());
  }
  *response = std::move(*r);
  response->set_leaderomnodeid(node_id_);
  return grpc::Status::OK;
}

}  // namespace ozone::om
