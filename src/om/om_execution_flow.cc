#include "om/om_execution_flow.h"

#include <future>

#include "common/latency_breakdown.h"
#include "om/ha/om_apply_handler.h"
#include "om/request/om_request_factory.h"

namespace ozone::om {

OmExecutionFlow::OmExecutionFlow(const OmOptions* options, ha::Replicator* replicator,
                                 const OmMetadataManager* metadata, const RetryCache* retry_cache,
                                 ScmBlockClient* scm, const Clock* clock, OmPrepareState* prepare,
                                 ProposedEntries* proposed)
    : options_(options),
      replicator_(replicator),
      metadata_(metadata),
      retry_cache_(retry_cache),
      scm_(scm),
      clock_(clock),
      prepare_(prepare),
      proposed_(proposed),
      reader_(metadata) {}

Result<OMResponse> OmExecutionFlow::Submit(OMRequest request) {
  if (IsReadCommand(request.cmdtype())) return Read(request);
  return Write(std::move(request));
}

Result<OMResponse> OmExecutionFlow::Read(const OMRequest& request) const {
  if (request.cmdtype() == PrepareStatus) {  // this OM's own state, leader or not
    OMResponse r = ErrorResponse(request, OK, "");
    *r.mutable_preparestatusresponse() =
        prepare_ != nullptr ? prepare_->StatusResponse() : OmPrepareState().StatusResponse();
    return r;
  }
  return reader_.Read(request);
}

void OmExecutionFlow::SubmitAsync(OMRequest request, SubmitCallback done) {
  if (IsReadCommand(request.cmdtype())) {
    done(Read(request));
    return;
  }
  const Type type = request.cmdtype();
  SubmitOrAnswer(type, PrepareWrite(std::move(request)), std::move(done));
}

bool OmExecutionFlow::SubmitAsyncWithoutWaiting(OMRequest& request, SubmitCallback& done) {
  const Type type = request.cmdtype();
  if (IsReadCommand(type) || !PreExecuteCallsScm(type)) {
    SubmitAsync(std::move(request), std::move(done));
    return true;
  }
  Prepared prepared = PrepareWrite(request, /*may_block=*/false);  // a copy: kept if it waits
  if (std::holds_alternative<WouldBlock>(prepared)) return false;
  SubmitOrAnswer(type, std::move(prepared), std::move(done));
  return true;
}

void OmExecutionFlow::SubmitOrAnswer(Type type, Prepared prepared, SubmitCallback done) {
  if (auto* answer = std::get_if<Result<OMResponse>>(&prepared)) {
    done(std::move(*answer));
    return;
  }
  SubmitPrepared(type, std::move(std::get<std::string>(prepared)), std::move(done));
}

Result<OMResponse> OmExecutionFlow::Write(OMRequest request) {
  const Type type = request.cmdtype();
  auto prepared = PrepareWrite(std::move(request));
  if (auto* answer = std::get_if<Result<OMResponse>>(&prepared)) return std::move(*answer);
  std::promise<Result<OMResponse>> applied;
  SubmitPrepared(type, std::move(std::get<std::string>(prepared)),
                 [&applied](Result<OMResponse> r) { applied.set_value(std::move(r)); });
  return applied.get_future().get();
}

void OmExecutionFlow::SubmitPrepared(Type type, std::string entry, SubmitCallback done) {
  if (type == Type::Prepare && prepare_ != nullptr) {
    done = [prepare = prepare_, done = std::move(done)](Result<OMResponse> r) {
      prepare->PrepareSubmitted(r.ok() && r->status() == OK);
      done(std::move(r));
    };
  }
  auto submit = [&] {
    ProbeMark(WriteStage::kSubmitted);
    replicator_->SubmitAsync(std::move(entry), [done = std::move(done)](Result<std::string> r) {
      ProbeMark(WriteStage::kApplied);
      done(ParseApplied(std::move(r)));
    });
  };
  if (prepare_ == nullptr) {
    submit();
    return;
  }
  // The gate is checked and the entry handed to the log under one lock (Ozone's
  // preAppendTransaction): nothing is logged behind a Prepare. Refused, `done` is untouched.
  if (!prepare_->SubmitIfAllowed(type, submit)) done(OmPrepareState::Refusal(type));
}

Result<OMResponse> OmExecutionFlow::ParseApplied(Result<std::string> applied) {
  OZ_RETURN_IF_ERROR(applied.status());
  OMResponse response;
  if (applied->empty() || !response.ParseFromString(*applied)) {
    return ozone::Status::Internal("the OM apply handler returned no response");
  }
  return response;
}

OmExecutionFlow::Prepared OmExecutionFlow::PrepareWrite(OMRequest request, bool may_block) {
  if (IsServerCommand(request.cmdtype())) {
    return ErrorResponse(request, NOT_SUPPORTED_OPERATION,
                         Type_Name(request.cmdtype()) + " is served by the OM server");
  }
  if (!request.clientid().empty() && request.has_callid()) {
    if (auto cached = retry_cache_->Lookup(request.clientid(), request.callid())) return *cached;
  }
  if (prepare_ != nullptr && !prepare_->RequestAllowed(request.cmdtype())) {
    return OmPrepareState::Refusal(request.cmdtype());  // at once: no PreExecute, no SCM call
  }
  uint64_t now = static_cast<uint64_t>(clock_->WallMillis());
  OMLogEntry entry;
  entry.set_version(kOmLogEntryVersion);
  entry.set_leadertimemillis(now);
  if (request.cmdtype() == SetServiceConfiguration || request.cmdtype() == Type::Prepare ||
      request.cmdtype() == CancelPrepare) {
    if ((request.cmdtype() == SetServiceConfiguration &&
         !request.has_setserviceconfigurationrequest()) ||
        (request.cmdtype() == Type::Prepare && !request.has_preparerequest())) {
      return ErrorResponse(request, INVALID_REQUEST, "Malformed " + Type_Name(request.cmdtype()));
    }
    *entry.mutable_request() = std::move(request);
  } else {
    OMRequest echo;  // what a refusal names (the request itself moves into its object)
    echo.set_cmdtype(request.cmdtype());
    if (request.has_traceid()) echo.set_traceid(request.traceid());
    auto created = CreateWriteRequest(std::move(request));
    if (auto* failure = std::get_if<OmFailure>(&created)) {
      return ErrorResponse(echo, failure->code, failure->message);
    }
    auto& write = std::get<std::unique_ptr<OmClientRequest>>(created);
    {
      Result<std::shared_lock<std::shared_mutex>> lock = metadata_->ReadLock();
      if (!lock.ok()) return Result<OMResponse>(lock.status());
      bool would_block = false;
      OmPreExecuteContext ctx{options_, scm_, metadata_, now, &ids_, may_block, &would_block};
      std::optional<OMResponse> refused = write->PreExecute(ctx);
      if (would_block) return WouldBlock{};
      if (refused) return std::move(*refused);
    }
    *entry.mutable_request() = std::move(write->mutable_request());
  }
  if (!entry.IsInitialized()) {
    // Never log what cannot be encoded (proto2 required fields): bad input changes nothing.
    return ErrorResponse(entry.request(), INVALID_REQUEST,
                         "Malformed request: missing " + entry.InitializationErrorString());
  }
  std::string bytes = entry.SerializeAsString();
  if (proposed_ != nullptr) proposed_->Keep(bytes, std::move(entry));
  return bytes;
}

}  // namespace ozone::om
