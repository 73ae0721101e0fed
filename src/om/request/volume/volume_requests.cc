#include "om/request/volume/volume_requests.h"

#include "om/metadata/om_db_keys.h"
#include "om/request/om_name_validator.h"
#include "om/request/om_quota.h"

namespace ozone::om {

namespace {

// Buckets of `volume` (bucketTable is fully cached: this reads memory).
Result<std::vector<std::shared_ptr<const BucketInfo>>> BucketsOf(const OmMetadataManager& m,
                                                                 const std::string& volume) {
  std::vector<std::shared_ptr<const BucketInfo>> out;
  std::string prefix = VolumeDbKey(volume) + kOmKeyPrefix;
  OZ_RETURN_IF_ERROR(m.buckets().Scan(prefix, PrefixEnd(prefix), [&](const std::string&,
                                                                     const auto& b) {
    out.push_back(b);
    return true;
  }));
  return out;
}

}  // namespace

// ---- create -------------------------------------------------------------------------------------

std::optional<OMResponse> VolumeCreateRequest::PreExecute(const OmPreExecuteContext& ctx) {
  VolumeInfo* v = request_.mutable_createvolumerequest()->mutable_volumeinfo();
  if (auto bad = CheckResourceName(v->volume(), "Volume", ctx.options->strict_s3)) {
    return NewResponse(INVALID_VOLUME_NAME, "Invalid volume name: " + v->volume() + ": " + *bad);
  }
  if (auto bad = CheckQuotaValue(v->has_quotainbytes() ? v->quotainbytes() : kQuotaReset,
                                 "space")) {
    return NewResponse(QUOTA_ERROR, *bad);
  }
  v->set_creationtime(ctx.now_millis);
  v->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> VolumeCreateRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  VolumeInfo v = request_.createvolumerequest().volumeinfo();
  std::string key = VolumeDbKey(v.volume());
  OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->volumes().Get(key));
  if (existing) return Fail(VOLUME_ALREADY_EXISTS, "Volume already exists: " + v.volume());
  v.set_objectid(ObjectIdFromIndex(ctx.index));
  v.set_updateid(ctx.index);
  if (!v.has_quotainbytes()) v.set_quotainbytes(kQuotaReset);
  if (!v.has_quotainnamespace() || v.quotainnamespace() == -2) v.set_quotainnamespace(kQuotaReset);
  if (v.adminname().empty()) v.set_adminname(v.ownername());
  auto response = Ok();
  response->mutable_response().mutable_createvolumeresponse();
  response->PutVolume(key, std::move(v));
  return response;
}

// ---- delete -------------------------------------------------------------------------------------

Result<std::unique_ptr<OmClientResponse>> VolumeDeleteRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const std::string& volume = request_.deletevolumerequest().volumename();
  std::string key = VolumeDbKey(volume);
  OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->volumes().Get(key));
  if (!existing) return Fail(VOLUME_NOT_FOUND, "Volume not found: " + volume);
  OZ_ASSIGN_OR_RETURN(auto buckets, BucketsOf(*ctx.metadata, volume));
  if (!buckets.empty()) return Fail(VOLUME_NOT_EMPTY, "Volume is not empty: " + volume);
  auto response = Ok();
  response->mutable_response().mutable_deletevolumeresponse();
  response->Delete(OmTable::kVolume, key);
  return response;
}

// ---- set owner ----------------------------------------------------------------------------------

std::optional<OMResponse> VolumeSetOwnerRequest::PreExecute(const OmPreExecuteContext& ctx) {
  auto* r = request_.mutable_setvolumepropertyrequest();
  if (r->ownername().empty()) return NewResponse(INVALID_REQUEST, "Owner name is empty");
  r->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> VolumeSetOwnerRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const auto& r = request_.setvolumepropertyrequest();
  std::string key = VolumeDbKey(r.volumename());
  OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->volumes().Get(key));
  if (!existing) return Fail(VOLUME_NOT_FOUND, "Volume not found: " + r.volumename());
  auto response = Ok();
  if (existing->ownername() == r.ownername()) {
    response->mutable_response().mutable_setvolumepropertyresponse()->set_response(false);
    return response;
  }
  VolumeInfo v = *existing;
  v.set_ownername(r.ownername());
  v.set_modificationtime(r.modificationtime());
  v.set_updateid(ctx.index);
  response->mutable_response().mutable_setvolumepropertyresponse()->set_response(true);
  response->PutVolume(key, std::move(v));
  return response;
}

// ---- set quota ----------------------------------------------------------------------------------

std::optional<OMResponse> VolumeSetQuotaRequest::PreExecute(const OmPreExecuteContext& ctx) {
  auto* r = request_.mutable_setvolumepropertyrequest();
  if (r->has_quotainbytes()) {
    if (auto bad = CheckQuotaValue(r->quotainbytes(), "space")) {
      return NewResponse(QUOTA_ERROR, *bad);
    }
  }
  if (r->has_quotainnamespace()) {
    if (auto bad = CheckQuotaValue(r->quotainnamespace(), "namespace")) {
      return NewResponse(QUOTA_ERROR, *bad);
    }
  }
  r->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> VolumeSetQuotaRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const auto& r = request_.setvolumepropertyrequest();
  std::string key = VolumeDbKey(r.volumename());
  OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->volumes().Get(key));
  if (!existing) return Fail(VOLUME_NOT_FOUND, "Volume not found: " + r.volumename());
  OZ_ASSIGN_OR_RETURN(auto buckets, BucketsOf(*ctx.metadata, r.volumename()));
  VolumeInfo v = *existing;
  if (r.has_quotainbytes()) {
    int64_t total = 0;
    for (const auto& b : buckets) total += b->quotainbytes() > 0 ? b->quotainbytes() : 0;
    if (r.quotainbytes() != kQuotaReset && r.quotainbytes() < total) {
      return Fail(QUOTA_EXCEEDED,
                  "Total buckets quota in this volume should not be greater than volume quota : "
                  "the total space quota is set to:" +
                      std::to_string(total) +
                      ". But the volume space quota is:" + std::to_string(r.quotainbytes()));
    }
    v.set_quotainbytes(r.quotainbytes());
  }
  if (r.has_quotainnamespace()) {
    int64_t count = static_cast<int64_t>(buckets.size());
    if (r.quotainnamespace() != kQuotaReset && r.quotainnamespace() < count) {
      return Fail(QUOTA_EXCEEDED, "Cannot update volume quota. Requested namespaceQuota less "
                                  "than used namespaceQuota: " +
                                      std::to_string(count));
    }
    v.set_quotainnamespace(r.quotainnamespace());
  }
  v.set_modificationtime(r.modificationtime());
  v.set_updateid(ctx.index);
  auto response = Ok();
  response->mutable_response().mutable_setvolumepropertyresponse()->set_response(true);
  response->PutVolume(key, std::move(v));
  return response;
}

}  // namespace ozone::om
