#include "om/request/om_client_request.h"

namespace ozone::om {

std::optional<OMResponse> OmClientRequest::PreExecute(const OmPreExecuteContext& ctx) {
  (void)ctx;
  return std::nullopt;
}

OMResponse OmClientRequest::NewResponse(Status code, const std::string& message) const {
  return ErrorResponse(request_, code, message);
}

OMResponse ErrorResponse(const OMRequest& request, Status code, const std::string& message) {
  OMResponse r;
  r.set_cmdtype(request.cmdtype());
  if (request.has_traceid()) r.set_traceid(request.traceid());
  r.set_status(code);
  r.set_success(code == OK);
  if (!message.empty()) r.set_message(message);
  return r;
}

}  // namespace ozone::om
