#include "om/request/key/key_write_requests.h"

#include <algorithm>

#include "om/metadata/om_db_keys.h"
#include "om/request/key/key_request_util.h"
#include "om/request/om_name_validator.h"
#include "om/request/om_quota.h"
#include "om/request/replication_config_util.h"

namespace ozone::om {

// ---- create -------------------------------------------------------------------------------------

std::optional<OMResponse> KeyCreateRequest::PreExecute(const OmPreExecuteContext& ctx) {
  auto* r = request_.mutable_createkeyrequest();
  KeyArgs* args = r->mutable_keyargs();
  if (auto bad = CheckKeyName(args->keyname(), ctx.options->keyname_character_check)) {
    return NewResponse(INVALID_KEY_NAME, *bad);
  }
  auto found = FindBucket(*ctx.metadata, args->volumename(), args->bucketname());
  if (!found.ok()) return NewResponse(INTERNAL_ERROR, found.status().ToString());
  if (auto* f = std::get_if<OmFailure>(&*found)) return NewResponse(f->code, f->message);
  const auto& bucket = std::get<std::shared_ptr<const BucketInfo>>(*found);
  ResolveReplication(*args, bucket.get(), *ctx.options);
  if (auto bad = CheckReplicationConfig(ReplicationOfArgs(*args))) {
    return NewResponse(INVALID_REQUEST, *bad);
  }
  uint64_t block = ctx.options->scm_block_size;
  uint64_t requested = args->datasize() > 0 ? args->datasize() : block;
  uint64_t count = std::min<uint64_t>(ctx.options->preallocate_blocks_max,
                                      (requested - 1) / block + 1);
  auto allocated =
      AllocateKeyLocations(ctx, *args, static_cast<uint32_t>(count), ExcludeList());
  if (auto* f = std::get_if<OmFailure>(&allocated)) return NewResponse(f->code, f->message);
  args->clear_keylocations();
  for (auto& loc : std::get<std::vector<KeyLocation>>(allocated)) {
    *args->add_keylocations() = std::move(loc);
  }
  args->set_modificationtime(ctx.now_millis);
  r->set_clientid(ctx.ids->Next(ctx.now_millis));
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> KeyCreateRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const auto& r = request_.createkeyrequest();
  const KeyArgs& args = r.keyargs();
  OZ_ASSIGN_OR_RETURN(auto found, FindBucket(*ctx.metadata, args.volumename(), args.bucketname()));
  if (auto* f = std::get_if<OmFailure>(&found)) return Fail(f->code, f->message);
  const BucketInfo& bucket = *std::get<std::shared_ptr<const BucketInfo>>(found);

  DefaultReplicationConfig replication = ReplicationOfArgs(args);
  int64_t preallocated = static_cast<int64_t>(args.keylocations_size() *
                                              ctx.options->scm_block_size *
                                              RequiredNodes(replication));
  if (auto bad = CheckBucketBytes(bucket, preallocated)) return Fail(QUOTA_EXCEEDED, *bad);
  if (bucket.quotainnamespace() > 0) {
    OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->keys().Get(OzoneDbKey(
                                           args.volumename(), args.bucketname(), args.keyname())));
    if (!existing) {
      if (auto bad = CheckBucketNamespace(bucket, 1)) return Fail(QUOTA_EXCEEDED, *bad);
    }
  }

  KeyInfo key;
  key.set_volumename(args.volumename());
  key.set_bucketname(args.bucketname());
  key.set_keyname(args.keyname());
  key.set_datasize(args.datasize());
  key.set_type(args.type());
  if (args.type() == hdds::EC) {
    *key.mutable_ecreplicationconfig() = args.ecreplicationconfig();
  } else {
    key.set_factor(args.has_factor() ? args.factor() : hdds::THREE);
  }
  KeyLocationList* locations = key.add_keylocationlist();
  locations->set_version(0);
  // The allocated blocks move out of the request (nothing reads them after this).
  locations->mutable_keylocations()->Swap(
      request_.mutable_createkeyrequest()->mutable_keyargs()->mutable_keylocations());
  key.set_creationtime(args.modificationtime());
  key.set_modificationtime(args.modificationtime());
  key.set_latestversion(0);
  for (const auto& kv : args.metadata()) *key.add_metadata() = kv;
  for (const auto& acl : args.acls()) *key.add_acls() = acl;
  key.set_objectid(ObjectIdFromIndex(ctx.index));
  key.set_updateid(ctx.index);
  key.set_isfile(true);
  if (args.has_ownername()) key.set_ownername(args.ownername());

  // The open key is kept without pipelines; the answer takes the key with them.
  KeyInfo open = OpenKeyRow(key);
  auto response = Ok();
  auto* out = response->mutable_response().mutable_createkeyresponse();
  *out->mutable_keyinfo() = std::move(key);
  out->set_id(r.clientid());
  out->set_openversion(0);
  response->PutOpenKey(
      OpenKeyDbKey(args.volumename(), args.bucketname(), args.keyname(), r.clientid()),
      std::move(open));
  return response;
}

// ---- allocate block -----------------------------------------------------------------------------

std::optional<OMResponse> KeyAllocateBlockRequest::PreExecute(const OmPreExecuteContext& ctx) {
  auto* r = request_.mutable_allocateblockrequest();
  KeyArgs* args = r->mutable_keyargs();
  std::string open_key =
      OpenKeyDbKey(args->volumename(), args->bucketname(), args->keyname(), r->clientid());
  auto open = ctx.metadata->open_keys().Get(open_key);
  if (!open.ok()) return NewResponse(INTERNAL_ERROR, open.status().ToString());
  if (!*open) {
    return NewResponse(KEY_NOT_FOUND, "Allocate block failed, as " + open_key +
                                          " entry is not found in the OpenKey table");
  }
  // The block is allocated for the open key's replication, whatever the request says.
  const KeyInfo& key = **open;
  args->set_type(key.type());
  if (key.type() == hdds::EC) {
    *args->mutable_ecreplicationconfig() = key.ecreplicationconfig();
  } else {
    args->set_factor(key.factor());
  }
  auto allocated = AllocateKeyLocations(ctx, *args, 1, r->excludelist());
  if (auto* f = std::get_if<OmFailure>(&allocated)) return NewResponse(f->code, f->message);
  *r->mutable_keylocation() = std::get<std::vector<KeyLocation>>(allocated).front();
  args->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> KeyAllocateBlockRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const auto& r = request_.allocateblockrequest();
  const KeyArgs& args = r.keyargs();
  OZ_ASSIGN_OR_RETURN(auto found, FindBucket(*ctx.metadata, args.volumename(), args.bucketname()));
  if (auto* f = std::get_if<OmFailure>(&found)) return Fail(f->code, f->message);
  const BucketInfo& bucket = *std::get<std::shared_ptr<const BucketInfo>>(found);
  std::string open_key =
      OpenKeyDbKey(args.volumename(), args.bucketname(), args.keyname(), r.clientid());
  OZ_ASSIGN_OR_RETURN(auto open, ctx.metadata->open_keys().Get(open_key));
  if (!open) {
    return Fail(KEY_NOT_FOUND, "Allocate block failed, as " + open_key +
                                   " entry is not found in the OpenKey table");
  }
  if (!r.has_keylocation()) return Fail(INVALID_REQUEST, "No block in the AllocateBlock request");
  KeyInfo key = *open;
  int64_t bytes = static_cast<int64_t>(ctx.options->scm_block_size *
                                       RequiredNodes(ReplicationOf(key)));
  if (auto bad = CheckBucketBytes(bucket, bytes)) return Fail(QUOTA_EXCEEDED, *bad);
  if (key.keylocationlist_size() == 0) key.add_keylocationlist()->set_version(0);
  KeyLocationList* latest = key.mutable_keylocationlist(key.keylocationlist_size() - 1);
  *latest->add_keylocations() = LocationWithoutPipeline(r.keylocation());
  key.set_modificationtime(args.modificationtime());
  key.set_updateid(ctx.index);
  auto response = Ok();
  *response->mutable_response().mutable_allocateblockresponse()->mutable_keylocation() =
      r.keylocation();
  response->PutOpenKey(open_key, std::move(key));
  return response;
}

// ---- commit -------------------------------------------------------------------------------------

std::optional<OMResponse> KeyCommitRequest::PreExecute(const OmPreExecuteContext& ctx) {
  KeyArgs* args = request_.mutable_commitkeyrequest()->mutable_keyargs();
  if (auto bad = CheckKeyName(args->keyname(), ctx.options->keyname_character_check)) {
    return NewResponse(INVALID_KEY_NAME, *bad);
  }
  args->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> KeyCommitRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const auto& r = request_.commitkeyrequest();
  const KeyArgs& args = r.keyargs();
  OZ_ASSIGN_OR_RETURN(auto found, FindBucket(*ctx.metadata, args.volumename(), args.bucketname()));
  if (auto* f = std::get_if<OmFailure>(&found)) return Fail(f->code, f->message);
  BucketInfo bucket = *std::get<std::shared_ptr<const BucketInfo>>(found);
  std::string open_key =
      OpenKeyDbKey(args.volumename(), args.bucketname(), args.keyname(), r.clientid());
  // The open key becomes the key; its blocks are replaced by the committed ones, so they are not
  // copied.
  OZ_ASSIGN_OR_RETURN(auto open, ctx.metadata->open_keys().Get(open_key));
  if (!open) {
    return Fail(KEY_NOT_FOUND, "Failed to commit key, as " + open_key +
                                   " entry is not found in the OpenKey table");
  }
  std::string key_name = OzoneDbKey(args.volumename(), args.bucketname(), args.keyname());
  OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->keys().Get(key_name));

  KeyInfo key = CopyWithoutBlocks(*open);
  key.set_datasize(args.datasize());
  KeyLocationList* locations = key.add_keylocationlist();
  locations->set_version(0);
  // The committed blocks move out of the request (nothing reads them after this).
  locations->mutable_keylocations()->Swap(
      request_.mutable_commitkeyrequest()->mutable_keyargs()->mutable_keylocations());
  key.set_modificationtime(args.modificationtime());
  key.set_updateid(ctx.index);
  for (const auto& kv : args.metadata()) *key.add_metadata() = kv;

  int64_t old_bytes = existing ? QuotaBytes(*existing) : 0;
  int64_t new_bytes = QuotaBytes(key);
  if (auto bad = CheckBucketBytes(bucket, new_bytes - old_bytes)) {
    return Fail(QUOTA_EXCEEDED, *bad);
  }
  if (!existing) {
    if (auto bad = CheckBucketNamespace(bucket, 1)) return Fail(QUOTA_EXCEEDED, *bad);
  }
  int64_t used = static_cast<int64_t>(bucket.usedbytes()) + new_bytes - old_bytes;
  bucket.set_usedbytes(static_cast<uint64_t>(used < 0 ? 0 : used));
  if (!existing) bucket.set_usednamespace(bucket.usednamespace() + 1);

  auto response = Ok();
  response->mutable_response().mutable_commitkeyresponse();
  if (existing && HasBlocks(*existing)) {
    RepeatedKeyInfo deleted;
    KeyInfo* old = deleted.add_keyinfo();
    *old = *existing;
    old->set_updateid(ctx.index);
    response->PutDeleted(DeletedKeyDbKey(args.volumename(), args.bucketname(), args.keyname(),
                                         existing->objectid()),
                         std::move(deleted));
  }
  response->PutKey(key_name, std::move(key));
  response->Delete(OmTable::kOpenKey, open_key);
  response->PutBucket(BucketDbKey(args.volumename(), args.bucketname()), std::move(bucket));
  return response;
}

}  // namespace ozone::om
