#include "om/request/bucket/bucket_requests.h"

#include "om/metadata/om_db_keys.h"
#include "om/request/om_name_validator.h"
#include "om/request/om_quota.h"
#include "om/request/replication_config_util.h"

namespace ozone::om {

namespace {

// The sum of the positive space quotas of `volume`'s buckets other than `except`.
Result<int64_t> OtherBucketQuotas(const OmMetadataManager& m, const std::string& volume,
                                  const std::string& except) {
  int64_t total = 0;
  std::string prefix = VolumeDbKey(volume) + kOmKeyPrefix;
  OZ_RETURN_IF_ERROR(m.buckets().Scan(prefix, PrefixEnd(prefix), [&](const std::string&,
                                                                     const auto& b) {
    if (b->bucketname() != except && b->quotainbytes() > 0) total += b->quotainbytes();
    return true;
  }));
  return total;
}

std::optional<std::string> VolumeQuotaExceeded(const VolumeInfo& volume, int64_t total) {
  if (volume.quotainbytes() <= 0 || total <= volume.quotainbytes()) return std::nullopt;
  return "Total buckets quota in this volume should not be greater than volume quota : the "
         "total space quota is set to:" +
         std::to_string(total) + ". But the volume space quota is:" +
         std::to_string(volume.quotainbytes());
}

}  // namespace

// ---- create -------------------------------------------------------------------------------------

std::optional<OMResponse> BucketCreateRequest::PreExecute(const OmPreExecuteContext& ctx) {
  BucketInfo* b = request_.mutable_createbucketrequest()->mutable_bucketinfo();
  if (auto bad = CheckResourceName(b->bucketname(), "Bucket", ctx.options->strict_s3)) {
    return NewResponse(INVALID_BUCKET_NAME, "Invalid bucket name: " + b->bucketname() + ": " + *bad);
  }
  if (b->has_defaultreplicationconfig()) {
    if (auto bad = CheckReplicationConfig(b->defaultreplicationconfig())) {
      return NewResponse(INVALID_REQUEST, *bad);
    }
  }
  if (b->has_quotainbytes() && b->quotainbytes() != -2) {
    if (auto bad = CheckQuotaValue(b->quotainbytes(), "space")) return NewResponse(QUOTA_ERROR, *bad);
  }
  if (b->has_quotainnamespace() && b->quotainnamespace() != -2) {
    if (auto bad = CheckQuotaValue(b->quotainnamespace(), "namespace")) {
      return NewResponse(QUOTA_ERROR, *bad);
    }
  }
  b->set_creationtime(ctx.now_millis);
  b->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> BucketCreateRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  BucketInfo b = request_.createbucketrequest().bucketinfo();
  std::string volume_key = VolumeDbKey(b.volumename());
  std::string key = BucketDbKey(b.volumename(), b.bucketname());
  OZ_ASSIGN_OR_RETURN(auto volume, ctx.metadata->volumes().Get(volume_key));
  if (!volume) return Fail(VOLUME_NOT_FOUND, "Volume not found: " + b.volumename());
  OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->buckets().Get(key));
  if (existing) return Fail(BUCKET_ALREADY_EXISTS, "Bucket already exists: " + b.bucketname());
  if (!b.has_quotainbytes() || b.quotainbytes() == -2) b.set_quotainbytes(kQuotaReset);
  if (!b.has_quotainnamespace() || b.quotainnamespace() == -2) b.set_quotainnamespace(kQuotaReset);
  if (volume->quotainnamespace() > 0 &&
      static_cast<int64_t>(volume->usednamespace()) + 1 > volume->quotainnamespace()) {
    return Fail(QUOTA_EXCEEDED, "The namespace quota of Volume:" + b.volumename() +
                                    " exceeded: quotaInNamespace: " +
                                    std::to_string(volume->quotainnamespace()) +
                                    " but namespace consumed: " +
                                    std::to_string(volume->usednamespace() + 1) + ".");
  }
  if (b.quotainbytes() > 0) {
    OZ_ASSIGN_OR_RETURN(int64_t others, OtherBucketQuotas(*ctx.metadata, b.volumename(), ""));
    if (auto bad = VolumeQuotaExceeded(*volume, others + b.quotainbytes())) {
      return Fail(QUOTA_EXCEEDED, *bad);
    }
  }
  b.set_objectid(ObjectIdFromIndex(ctx.index));
  b.set_updateid(ctx.index);
  b.set_usedbytes(0);
  b.set_usednamespace(0);
  if (!b.has_bucketlayout()) b.set_bucketlayout(OBJECT_STORE);
  if (b.owner().empty()) b.set_owner(volume->ownername());
  VolumeInfo v = *volume;
  v.set_usednamespace(v.usednamespace() + 1);
  v.set_updateid(ctx.index);
  auto response = Ok();
  response->mutable_response().mutable_createbucketresponse();
  response->PutBucket(key, std::move(b));
  response->PutVolume(volume_key, std::move(v));
  return response;
}

// ---- delete -------------------------------------------------------------------------------------

Result<std::unique_ptr<OmClientResponse>> BucketDeleteRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const auto& r = request_.deletebucketrequest();
  std::string volume_key = VolumeDbKey(r.volumename());
  std::string key = BucketDbKey(r.volumename(), r.bucketname());
  OZ_ASSIGN_OR_RETURN(auto volume, ctx.metadata->volumes().Get(volume_key));
  if (!volume) return Fail(VOLUME_NOT_FOUND, "Volume not found: " + r.volumename());
  OZ_ASSIGN_OR_RETURN(auto bucket, ctx.metadata->buckets().Get(key));
  if (!bucket) return Fail(BUCKET_NOT_FOUND, "Bucket not found: " + r.bucketname());
  bool empty = true;
  std::string prefix = key + kOmKeyPrefix;
  OZ_RETURN_IF_ERROR(ctx.metadata->keys().Scan(prefix, PrefixEnd(prefix),
                                               [&](const std::string&, const auto&) {
                                                 empty = false;
                                                 return false;
                                               }));
  if (!empty) return Fail(BUCKET_NOT_EMPTY, "Bucket is not empty: " + r.bucketname());
  VolumeInfo v = *volume;
  v.set_usednamespace(v.usednamespace() > 0 ? v.usednamespace() - 1 : 0);
  v.set_updateid(ctx.index);
  auto response = Ok();
  response->mutable_response().mutable_deletebucketresponse();
  response->Delete(OmTable::kBucket, key);
  response->PutVolume(volume_key, std::move(v));
  return response;
}

// ---- set property -------------------------------------------------------------------------------

std::optional<OMResponse> BucketSetPropertyRequest::PreExecute(const OmPreExecuteContext& ctx) {
  auto* r = request_.mutable_setbucketpropertyrequest();
  const BucketArgs& a = r->bucketargs();
  if (a.has_quotainbytes()) {
    if (auto bad = CheckQuotaValue(a.quotainbytes(), "space")) return NewResponse(QUOTA_ERROR, *bad);
  }
  if (a.has_quotainnamespace()) {
    if (auto bad = CheckQuotaValue(a.quotainnamespace(), "namespace")) {
      return NewResponse(QUOTA_ERROR, *bad);
    }
  }
  if (a.has_defaultreplicationconfig()) {
    if (auto bad = CheckReplicationConfig(a.defaultreplicationconfig())) {
      return NewResponse(INVALID_REQUEST, *bad);
    }
  }
  r->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> BucketSetPropertyRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const auto& r = request_.setbucketpropertyrequest();
  const BucketArgs& a = r.bucketargs();
  std::string volume_key = VolumeDbKey(a.volumename());
  std::string key = BucketDbKey(a.volumename(), a.bucketname());
  OZ_ASSIGN_OR_RETURN(auto volume, ctx.metadata->volumes().Get(volume_key));
  if (!volume) return Fail(VOLUME_NOT_FOUND, "Volume not found: " + a.volumename());
  OZ_ASSIGN_OR_RETURN(auto bucket, ctx.metadata->buckets().Get(key));
  if (!bucket) return Fail(BUCKET_NOT_FOUND, "Bucket not found: " + a.bucketname());
  BucketInfo b = *bucket;
  if (a.has_quotainbytes()) {
    if (a.quotainbytes() != kQuotaReset &&
        a.quotainbytes() < static_cast<int64_t>(b.usedbytes())) {
      return Fail(QUOTA_ERROR, "Cannot update bucket quota. Requested spaceQuota less than used "
                               "spaceQuota: " + std::to_string(b.usedbytes()));
    }
    if (a.quotainbytes() > 0) {
      OZ_ASSIGN_OR_RETURN(int64_t others,
                          OtherBucketQuotas(*ctx.metadata, a.volumename(), a.bucketname()));
      if (auto bad = VolumeQuotaExceeded(*volume, others + a.quotainbytes())) {
        return Fail(QUOTA_EXCEEDED, *bad);
      }
    }
    b.set_quotainbytes(a.quotainbytes());
  }
  if (a.has_quotainnamespace()) {
    if (a.quotainnamespace() != kQuotaReset &&
        a.quotainnamespace() < static_cast<int64_t>(b.usednamespace())) {
      return Fail(QUOTA_ERROR, "Cannot update bucket quota. Requested namespaceQuota less than "
                               "used namespaceQuota: " + std::to_string(b.usednamespace()));
    }
    b.set_quotainnamespace(a.quotainnamespace());
  }
  if (a.has_ownername()) b.set_owner(a.ownername());
  if (a.has_isversionenabled()) b.set_isversionenabled(a.isversionenabled());
  if (a.has_storagetype()) b.set_storagetype(a.storagetype());
  if (a.has_defaultreplicationconfig()) {
    *b.mutable_defaultreplicationconfig() = a.defaultreplicationconfig();
  }
  for (const auto& kv : a.metadata()) *b.add_metadata() = kv;
  b.set_modificationtime(r.modificationtime());
  b.set_updateid(ctx.index);
  auto response = Ok();
  response->mutable_response().mutable_setbucketpropertyresponse()->set_response(true);
  response->PutBucket(key, std::move(b));
  return response;
}

}  // namespace ozone::om
