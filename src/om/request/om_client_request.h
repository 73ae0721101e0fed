// OmClientRequest: one OM write (Ozone's OMClientRequest), in two phases:
//   PreExecute  leader only, before the request is logged: validates names, sets the
//               modification time, asks SCM for blocks, ... and leaves in request() what is
//               replicated (the OMLogEntry). It returns a response instead when the request is
//               refused (INVALID_VOLUME_NAME, SCM failures): nothing is logged then.
//   ValidateAndUpdateCache  every replica, deterministic, in log order: checks the request
//               against the current state and returns the OmClientResponse (the client's
//               OMResponse and the row changes). Domain failures (VOLUME_ALREADY_EXISTS) are
//               responses without changes; an error Status is a local I/O failure (the
//               replica stops).
//
// Subclasses: one per operation, under request/volume, request/bucket, request/key,
// request/service; OmRequestFactory picks one by cmdType.
//
// Thread-safety: an instance is used by one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "om.pb.h"
#include "om/request/om_request_context.h"
#include "om/response/om_client_response.h"

namespace ozone::om {

class OmClientRequest {
 public:
  explicit OmClientRequest(OMRequest request) : request_(std::move(request)) {}
  virtual ~OmClientRequest() = default;

  // Leader only. nullopt: log request() (as changed). Default: nothing to do.
  virtual std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx);
  // Deterministic.
  virtual Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) = 0;

  const OMRequest& request() const { return request_; }
  OMRequest& mutable_request() { return request_; }

 protected:
  // A response to this request: OK, or `code` with `message`.
  OMResponse NewResponse(Status code = OK, const std::string& message = "") const;
  std::unique_ptr<OmClientResponse> Ok() const {
    return std::make_unique<OmClientResponse>(NewResponse());
  }
  std::unique_ptr<OmClientResponse> Fail(Status code, const std::string& message) const {
    return std::make_unique<OmClientResponse>(NewResponse(code, message));
  }

  OMRequest request_;
};

// The response of `request` failing with `code` (before a request object exists).
OMResponse ErrorResponse(const OMRequest& request, Status code, const std::string& message);

}  // namespace ozone::om
