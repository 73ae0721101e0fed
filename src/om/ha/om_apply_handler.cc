#include "om/ha/om_apply_handler.h"

#include "om/request/om_client_request.h"
#include "om/request/om_request_factory.h"

namespace ozone::om {

OmApplyHandler::OmApplyHandler(const OmOptions* options, OmMetadataManager* metadata,
                               RetryCache* retry_cache, ha::ServiceConfigState* service_configs,
                               OmPrepareState* prepare, ProposedEntries* proposed)
    : options_(options),
      metadata_(metadata),
      retry_cache_(retry_cache),
      service_configs_(service_configs),
      prepare_(prepare),
      proposed_(proposed) {}

Result<std::string> OmApplyHandler::Apply(std::string_view payload, ha::ApplyContext& ctx) {
  OMLogEntry entry;
  std::optional<OMLogEntry> proposed;
  if (proposed_ != nullptr) proposed = proposed_->Take(payload);
  if (proposed) {
    entry = std::move(*proposed);
  } else if (!entry.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return ozone::Status::Corruption("an OM log entry does not parse");
  }
  if (entry.version() > kOmLogEntryVersion) {
    return ozone::Status::NotSupported("OM log entry version " + std::to_string(entry.version()) +
                                       " is newer than this OM's " +
                                       std::to_string(kOmLogEntryVersion) + ": upgrade this OM");
  }
  OMRequest& request = *entry.mutable_request();
  bool identified = !request.clientid().empty() && request.has_callid();
  // The request moves into its request object: keep its retry cache identity.
  std::string client_id;
  uint64_t call_id = 0;
  if (identified) {
    if (auto cached = retry_cache_->LookupSerialized(request.clientid(), request.callid())) {
      return std::move(*cached);  // applied before: the same answer, no change
    }
    client_id = request.clientid();
    call_id = request.callid();
  }
  OZ_ASSIGN_OR_RETURN(OMResponse response, ApplyRequest(entry, ctx));
  // Serialized once: the answer and the retry cache's record are the same bytes.
  std::string answer = response.SerializeAsString();
  if (identified) {
    retry_cache_->Record(*ctx.batch, client_id, call_id, entry.leadertimemillis(),
                         ctx.ti.index.value(), answer);
  }
  return answer;
}

Result<OMResponse> OmApplyHandler::ApplyRequest(OMLogEntry& entry, ha::ApplyContext& ctx) {
  OMRequest& request = *entry.mutable_request();
  if (request.cmdtype() == Prepare) return prepare_->ApplyPrepare(request, ctx);
  if (request.cmdtype() == CancelPrepare) return prepare_->ApplyCancel(request, ctx);
  if (request.cmdtype() == SetServiceConfiguration) {
    if (!request.has_setserviceconfigurationrequest()) {
      return ErrorResponse(request, INVALID_REQUEST, "Malformed SetServiceConfiguration");
    }
    const auto& r = request.setserviceconfigurationrequest();
    if (!r.delete_() && r.has_expectedconfiguration()) {
      OZ_ASSIGN_OR_RETURN(std::optional<std::string> saved,
                          service_configs_->Read(*ctx.db, r.servicename()));
      if (saved.value_or("") != r.expectedconfiguration()) {
        return ErrorResponse(request, SERVICE_CONFIGURATION_CHANGED,
                             "The configuration of " + r.servicename() +
                                 " changed since it was read.");
      }
    }
    if (r.delete_()) {
      OZ_RETURN_IF_ERROR(service_configs_->ApplyDelete(ctx, r.servicename()));
    } else {
      OZ_RETURN_IF_ERROR(service_configs_->ApplySave(ctx, r.servicename(), r.configuration()));
    }
    OMResponse ok = ErrorResponse(request, OK, "");
    ok.mutable_setserviceconfigurationresponse();
    return ok;
  }
  OMRequest echo;  // what a refusal names (the request itself moves, not copied, into its object)
  echo.set_cmdtype(request.cmdtype());
  if (request.has_traceid()) echo.set_traceid(request.traceid());
  auto created = CreateWriteRequest(std::move(request));
  if (auto* failure = std::get_if<OmFailure>(&created)) {
    return ErrorResponse(echo, failure->code, failure->message);
  }
  auto& write = std::get<std::unique_ptr<OmClientRequest>>(created);
  OmApplyContext actx{ctx.ti.index.value(), entry.leadertimemillis(), metadata_, options_};
  OZ_ASSIGN_OR_RETURN(std::unique_ptr<OmClientResponse> response,
                      write->ValidateAndUpdateCache(actx));
  if (response->ok()) {
    response->UpdateCache(*metadata_, actx.index);
    response->AddToBatch(*metadata_, *ctx.batch, pending_buckets_);
  }
  return std::move(response->mutable_response());
}

void OmApplyHandler::BeforeCommit(storage::WriteBatch& batch) {
  WriteBucketRows(*metadata_, batch, pending_buckets_);
  pending_buckets_.clear();
}

ozone::Status OmApplyHandler::Reload(storage::DBStore& db) {
  pending_buckets_.clear();  // what they belonged to is gone with the old database
  OZ_RETURN_IF_ERROR(metadata_->Reload(db));
  OZ_RETURN_IF_ERROR(prepare_->Reload(db));
  return retry_cache_->Reload(db);
}

void OmApplyHandler::OnDatabaseClosing() {
  pending_buckets_.clear();
  metadata_->Unbind();
  retry_cache_->Unbind();
}

void OmApplyHandler::OnFlushedThrough(const ha::TransactionInfo& flushed) {
  metadata_->Cleanup(flushed.index.value());
  prepare_->OnFlushedThrough(flushed.index.value());
}

}  // namespace ozone::om
