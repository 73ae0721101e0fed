#include "om/read/om_metadata_reader.h"

#include "om/metadata/om_db_definition.h"
#include "om/metadata/om_db_keys.h"
#include "om/request/key/key_request_util.h"
#include "om/request/om_client_request.h"

namespace ozone::om {

namespace {

int Count(int64_t requested) {
  return requested <= 0 ? kDefaultListCount : static_cast<int>(requested);
}

// The first key after `name` under `parent` ("parent/name" + "\0"), or `parent/prefix` when no
// start is given, whichever is later.
std::string LowerBound(const std::string& parent, const std::string& prefix,
                       const std::string& start_after) {
  std::string lower = parent + prefix;
  if (!start_after.empty()) {
    std::string after = parent + start_after;
    after.push_back('\0');
    if (after > lower) lower = after;
  }
  return lower;
}

}  // namespace

Result<OMResponse> OmMetadataReader::Read(const OMRequest& request) const {
  OZ_ASSIGN_OR_RETURN(auto lock, metadata_->ReadLock());
  switch (request.cmdtype()) {
    case Type::InfoVolume: return InfoVolume(request);
    case Type::ListVolume: return ListVolumes(request);
    case Type::InfoBucket: return InfoBucket(request);
    case Type::ListBuckets: return ListBuckets(request);
    case Type::LookupKey: return LookupKey(request, request.lookupkeyrequest().keyargs());
    case Type::GetKeyInfo: return LookupKey(request, request.getkeyinforequest().keyargs());
    case Type::ListKeys: return ListKeys(request);
    case Type::GetServiceConfiguration: return GetServiceConfiguration(request);
    default:
      return ErrorResponse(request, INVALID_REQUEST,
                           "Not a read request: " + Type_Name(request.cmdtype()));
  }
}

Result<OMResponse> OmMetadataReader::InfoVolume(const OMRequest& request) const {
  const std::string& name = request.infovolumerequest().volumename();
  OZ_ASSIGN_OR_RETURN(auto v, metadata_->volumes().Get(VolumeDbKey(name)));
  if (!v) return ErrorResponse(request, VOLUME_NOT_FOUND, "Volume not found: " + name);
  OMResponse r = ErrorResponse(request, OK, "");
  *r.mutable_infovolumeresponse()->mutable_volumeinfo() = *v;
  return r;
}

Result<OMResponse> OmMetadataReader::ListVolumes(const OMRequest& request) const {
  const auto& q = request.listvolumerequest();
  bool by_user = q.scope() != ListVolumeRequest::VOLUMES_BY_CLUSTER;
  int count = Count(q.maxkeys());
  OMResponse r = ErrorResponse(request, OK, "");
  auto* out = r.mutable_listvolumeresponse();
  std::string lower = LowerBound(kOmKeyPrefix, q.prefix(), q.prevkey());
  std::string upper = PrefixEnd(std::string(kOmKeyPrefix) + q.prefix());
  OZ_RETURN_IF_ERROR(metadata_->volumes().Scan(lower, upper, [&](const std::string&,
                                                                 const auto& v) {
    if (by_user && v->ownername() != q.username()) return true;
    *out->add_volumeinfo() = *v;
    return out->volumeinfo_size() < count;
  }));
  return r;
}

Result<OMResponse> OmMetadataReader::InfoBucket(const OMRequest& request) const {
  const auto& q = request.infobucketrequest();
  OZ_ASSIGN_OR_RETURN(auto found, FindBucket(*metadata_, q.volumename(), q.bucketname()));
  if (auto* f = std::get_if<OmFailure>(&found)) return ErrorResponse(request, f->code, f->message);
  OMResponse r = ErrorResponse(request, OK, "");
  *r.mutable_infobucketresponse()->mutable_bucketinfo() =
      *std::get<std::shared_ptr<const BucketInfo>>(found);
  return r;
}

Result<OMResponse> OmMetadataReader::ListBuckets(const OMRequest& request) const {
  const auto& q = request.listbucketsrequest();
  OZ_ASSIGN_OR_RETURN(auto v, metadata_->volumes().Get(VolumeDbKey(q.volumename())));
  if (!v) return ErrorResponse(request, VOLUME_NOT_FOUND, "Volume not found: " + q.volumename());
  int count = Count(q.count());
  OMResponse r = ErrorResponse(request, OK, "");
  auto* out = r.mutable_listbucketsresponse();
  std::string parent = VolumeDbKey(q.volumename()) + kOmKeyPrefix;
  std::string lower = LowerBound(parent, q.prefix(), q.startkey());
  std::string upper = PrefixEnd(parent + q.prefix());
  OZ_RETURN_IF_ERROR(metadata_->buckets().Scan(lower, upper, [&](const std::string&,
                                                                 const auto& b) {
    *out->add_bucketinfo() = *b;
    return out->bucketinfo_size() < count;
  }));
  return r;
}

Result<OMResponse> OmMetadataReader::LookupKey(const OMRequest& request,
                                               const KeyArgs& args) const {
  OZ_ASSIGN_OR_RETURN(auto found, FindBucket(*metadata_, args.volumename(), args.bucketname()));
  if (auto* f = std::get_if<OmFailure>(&found)) return ErrorResponse(request, f->code, f->message);
  std::string name = OzoneDbKey(args.volumename(), args.bucketname(), args.keyname());
  OZ_ASSIGN_OR_RETURN(auto key, metadata_->keys().Get(name));
  if (!key) return ErrorResponse(request, KEY_NOT_FOUND, "Key not found: " + name);
  OMResponse r = ErrorResponse(request, OK, "");
  if (request.cmdtype() == Type::GetKeyInfo) {
    *r.mutable_getkeyinforesponse()->mutable_keyinfo() = *key;
  } else {
    *r.mutable_lookupkeyresponse()->mutable_keyinfo() = *key;
  }
  return r;
}

Result<OMResponse> OmMetadataReader::ListKeys(const OMRequest& request) const {
  const auto& q = request.listkeysrequest();
  OZ_ASSIGN_OR_RETURN(auto found, FindBucket(*metadata_, q.volumename(), q.bucketname()));
  if (auto* f = std::get_if<OmFailure>(&found)) return ErrorResponse(request, f->code, f->message);
  int count = Count(q.count());
  OMResponse r = ErrorResponse(request, OK, "");
  auto* out = r.mutable_listkeysresponse();
  std::string parent = BucketDbKey(q.volumename(), q.bucketname()) + kOmKeyPrefix;
  std::string lower = LowerBound(parent, q.prefix(), q.startkey());
  std::string upper = PrefixEnd(parent + q.prefix());
  bool truncated = false;
  OZ_RETURN_IF_ERROR(metadata_->keys().Scan(lower, upper, [&](const std::string&, const auto& k) {
    if (out->keyinfo_size() >= count) {
      truncated = true;
      return false;
    }
    *out->add_keyinfo() = *k;
    return true;
  }));
  out->set_istruncated(truncated);
  return r;
}

}  // namespace ozone::om

namespace ozone::om {

Result<OMResponse> OmMetadataReader::GetServiceConfiguration(const OMRequest& request) const {
  if (!request.has_getserviceconfigurationrequest()) {
    return ErrorResponse(request, INVALID_REQUEST, "Malformed GetServiceConfiguration");
  }
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table,
                      metadata_->db()->Table(kStatefulServiceConfigTable.name));
  OZ_ASSIGN_OR_RETURN(auto bytes,
                      table->Get(request.getserviceconfigurationrequest().servicename()));
  OMResponse r = ErrorResponse(request, OK, "");
  auto* out = r.mutable_getserviceconfigurationresponse();
  if (bytes) out->set_configuration(*bytes);
  return r;
}

}  // namespace ozone::om
