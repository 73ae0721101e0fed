#include "om/request/key/key_delete_requests.h"

#include <set>

#include "om/metadata/om_db_keys.h"
#include "om/request/key/key_request_util.h"
#include "om/request/om_name_validator.h"

namespace ozone::om {

// ---- delete -------------------------------------------------------------------------------------

std::optional<OMResponse> KeyDeleteRequest::PreExecute(const OmPreExecuteContext& ctx) {
  request_.mutable_deletekeyrequest()->mutable_keyargs()->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> KeyDeleteRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const KeyArgs& args = request_.deletekeyrequest().keyargs();
  OZ_ASSIGN_OR_RETURN(auto found, FindBucket(*ctx.metadata, args.volumename(), args.bucketname()));
  if (auto* f = std::get_if<OmFailure>(&found)) return Fail(f->code, f->message);
  BucketInfo bucket = *std::get<std::shared_ptr<const BucketInfo>>(found);
  std::string key_name = OzoneDbKey(args.volumename(), args.bucketname(), args.keyname());
  OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->keys().Get(key_name));
  if (!existing) return Fail(KEY_NOT_FOUND, "Key not found: " + key_name);

  int64_t used = static_cast<int64_t>(bucket.usedbytes()) - QuotaBytes(*existing);
  bucket.set_usedbytes(static_cast<uint64_t>(used < 0 ? 0 : used));
  bucket.set_usednamespace(bucket.usednamespace() > 0 ? bucket.usednamespace() - 1 : 0);
  auto response = Ok();
  response->mutable_response().mutable_deletekeyresponse();
  if (HasBlocks(*existing)) {
    RepeatedKeyInfo deleted;
    KeyInfo* old = deleted.add_keyinfo();
    *old = *existing;
    old->set_updateid(ctx.index);
    old->set_modificationtime(args.modificationtime());
    response->PutDeleted(DeletedKeyDbKey(args.volumename(), args.bucketname(), args.keyname(),
                                         existing->objectid()),
                         std::move(deleted));
  }
  response->Delete(OmTable::kKey, key_name);
  response->PutBucket(BucketDbKey(args.volumename(), args.bucketname()), std::move(bucket));
  return response;
}

// ---- rename -------------------------------------------------------------------------------------

std::optional<OMResponse> KeyRenameRequest::PreExecute(const OmPreExecuteContext& ctx) {
  auto* r = request_.mutable_renamekeyrequest();
  if (auto bad = CheckKeyName(r->tokeyname(), ctx.options->keyname_character_check)) {
    return NewResponse(INVALID_KEY_NAME, *bad);
  }
  r->mutable_keyargs()->set_modificationtime(ctx.now_millis);
  return std::nullopt;
}

Result<std::unique_ptr<OmClientResponse>> KeyRenameRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  const auto& r = request_.renamekeyrequest();
  const KeyArgs& args = r.keyargs();
  OZ_ASSIGN_OR_RETURN(auto found, FindBucket(*ctx.metadata, args.volumename(), args.bucketname()));
  if (auto* f = std::get_if<OmFailure>(&found)) return Fail(f->code, f->message);
  std::string from = OzoneDbKey(args.volumename(), args.bucketname(), args.keyname());
  std::string to = OzoneDbKey(args.volumename(), args.bucketname(), r.tokeyname());
  OZ_ASSIGN_OR_RETURN(auto existing, ctx.metadata->keys().Get(from));
  if (!existing) return Fail(KEY_NOT_FOUND, "Key not found: " + from);
  auto response = Ok();
  response->mutable_response().mutable_renamekeyresponse();
  if (from == to) return response;
  OZ_ASSIGN_OR_RETURN(auto target, ctx.metadata->keys().Get(to));
  if (target) return Fail(KEY_ALREADY_EXISTS, "Key already exists: " + to);
  KeyInfo key = *existing;
  key.set_keyname(r.tokeyname());
  key.set_modificationtime(args.modificationtime());
  key.set_updateid(ctx.index);
  response->Delete(OmTable::kKey, from);
  response->PutKey(to, std::move(key));
  return response;
}

// ---- expired open keys --------------------------------------------------------------------------

Result<std::unique_ptr<OmClientResponse>> OpenKeysDeleteRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  auto response = Ok();
  response->mutable_response().mutable_deleteopenkeysresponse();
  std::set<std::string> done;
  for (const auto& bucket : request_.deleteopenkeysrequest().openkeysperbucket()) {
    for (const auto& open : bucket.keys()) {
      if (!done.insert(open.name()).second) continue;
      OZ_ASSIGN_OR_RETURN(auto key, ctx.metadata->open_keys().Get(open.name()));
      if (!key) continue;
      if (HasBlocks(*key)) {
        RepeatedKeyInfo deleted;
        KeyInfo* old = deleted.add_keyinfo();
        *old = *key;
        old->set_updateid(ctx.index);
        response->PutDeleted(
            DeletedKeyDbKey(key->volumename(), key->bucketname(), key->keyname(), key->objectid()),
            std::move(deleted));
      }
      response->Delete(OmTable::kOpenKey, open.name());
    }
  }
  return response;
}

// ---- purge --------------------------------------------------------------------------------------

Result<std::unique_ptr<OmClientResponse>> KeyPurgeRequest::ValidateAndUpdateCache(
    const OmApplyContext& ctx) {
  auto response = Ok();
  response->mutable_response().mutable_purgekeysresponse();
  for (const auto& group : request_.purgekeysrequest().deletedkeys()) {
    for (const auto& name : group.keys()) {
      OZ_ASSIGN_OR_RETURN(auto row, ctx.metadata->deleted().Get(name));
      if (row) response->Delete(OmTable::kDeleted, name);
    }
  }
  return response;
}

}  // namespace ozone::om
