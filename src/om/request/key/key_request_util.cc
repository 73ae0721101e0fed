#include "om/request/key/key_request_util.h"

#include <utility>

#include "om/metadata/om_db_keys.h"
#include "om/request/replication_config_util.h"

namespace ozone::om {

Result<std::variant<std::shared_ptr<const BucketInfo>, OmFailure>> FindBucket(
    const OmMetadataManager& metadata, const std::string& volume, const std::string& bucket) {
  using Out = std::variant<std::shared_ptr<const BucketInfo>, OmFailure>;
  OZ_ASSIGN_OR_RETURN(auto b, metadata.buckets().Get(BucketDbKey(volume, bucket)));
  if (b) return Out(b);
  OZ_ASSIGN_OR_RETURN(auto v, metadata.volumes().Get(VolumeDbKey(volume)));
  if (!v) return Out(OmFailure{VOLUME_NOT_FOUND, "Volume not found: " + volume});
  return Out(OmFailure{BUCKET_NOT_FOUND, "Bucket not found: " + volume + "/" + bucket});
}

void ResolveReplication(KeyArgs& args, const BucketInfo* bucket, const OmOptions& options) {
  bool named = args.has_type() && (args.type() == hdds::EC ? args.has_ecreplicationconfig()
                                                           : args.has_factor() &&
                                                                 args.factor() != hdds::ZERO);
  if (named) return;
  if (bucket != nullptr && bucket->has_defaultreplicationconfig()) {
    SetReplication(args, bucket->defaultreplicationconfig());
    return;
  }
  args.set_type(options.default_replication_type);
  args.set_factor(options.default_replication_factor);
}

DefaultReplicationConfig ReplicationOfArgs(const KeyArgs& args) {
  DefaultReplicationConfig c;
  c.set_type(args.type());
  if (args.type() == hdds::EC) {
    *c.mutable_ecreplicationconfig() = args.ecreplicationconfig();
  } else {
    c.set_factor(args.has_factor() ? args.factor() : hdds::THREE);
  }
  return c;
}

std::variant<std::vector<KeyLocation>, OmFailure> AllocateKeyLocations(
    const OmPreExecuteContext& ctx, const KeyArgs& args, uint32_t count,
    const ExcludeList& exclude) {
  ReplicationConfig replication;
  replication.type = args.type();
  if (args.type() == hdds::EC) {
    replication.ec = args.ecreplicationconfig();
  } else {
    replication.factor = args.has_factor() ? args.factor() : hdds::THREE;
  }
  if (ctx.scm == nullptr) return OmFailure{INTERNAL_ERROR, "No SCM block client"};
  Result<std::vector<AllocatedBlock>> blocks = std::vector<AllocatedBlock>();
  if (ctx.may_block) {
    blocks = ctx.scm->AllocateBlocks(ctx.options->scm_block_size, count, replication,
                                     ctx.options->service_id, exclude);
  } else if (auto at_hand = ctx.scm->AllocateBlocksIfAtHand(
                 ctx.options->scm_block_size, count, replication, ctx.options->service_id,
                 exclude)) {
    blocks = std::move(*at_hand);
  } else {
    if (ctx.would_block != nullptr) *ctx.would_block = true;
    return OmFailure{INTERNAL_ERROR, "Block allocation would wait for SCM"};
  }
  if (!blocks.ok()) {
    const std::string& msg = blocks.status().message();
    if (msg.rfind("SAFE_MODE_EXCEPTION", 0) == 0) return OmFailure{SCM_IN_SAFE_MODE, msg};
    return OmFailure{INTERNAL_ERROR, "Block allocation failed: " + blocks.status().ToString()};
  }
  std::vector<KeyLocation> out;
  for (AllocatedBlock& b : *blocks) {  // (moved from: they are this call's)
    KeyLocation loc;
    *loc.mutable_blockid()->mutable_containerblockid() = std::move(b.block_id);
    loc.set_offset(0);
    loc.set_length(ctx.options->scm_block_size);
    loc.set_createversion(0);
    *loc.mutable_pipeline() = std::move(b.pipeline);
    out.push_back(std::move(loc));
  }
  if (out.empty()) return OmFailure{KEY_ALLOCATION_ERROR, "SCM allocated no block"};
  return out;
}

int64_t QuotaBytes(const KeyInfo& key) {
  return static_cast<int64_t>(key.datasize() * RequiredNodes(ReplicationOf(key)));
}

bool HasBlocks(const KeyInfo& key) {
  for (const auto& list : key.keylocationlist()) {
    if (list.keylocations_size() > 0) return true;
  }
  return false;
}

KeyInfo CopyWithoutBlocks(const KeyInfo& key) {
  // Every field of KeyInfo but keyLocationList, set only where the source has it (KeyRequestsTest
  // checks that none is left out).
  KeyInfo out;
  if (key.has_volumename()) out.set_volumename(key.volumename());
  if (key.has_bucketname()) out.set_bucketname(key.bucketname());
  if (key.has_keyname()) out.set_keyname(key.keyname());
  if (key.has_datasize()) out.set_datasize(key.datasize());
  if (key.has_type()) out.set_type(key.type());
  if (key.has_factor()) out.set_factor(key.factor());
  if (key.has_creationtime()) out.set_creationtime(key.creationtime());
  if (key.has_modificationtime()) out.set_modificationtime(key.modificationtime());
  if (key.has_latestversion()) out.set_latestversion(key.latestversion());
  *out.mutable_metadata() = key.metadata();
  *out.mutable_acls() = key.acls();
  if (key.has_objectid()) out.set_objectid(key.objectid());
  if (key.has_updateid()) out.set_updateid(key.updateid());
  if (key.has_parentid()) out.set_parentid(key.parentid());
  if (key.has_ecreplicationconfig()) *out.mutable_ecreplicationconfig() = key.ecreplicationconfig();
  if (key.has_isfile()) out.set_isfile(key.isfile());
  if (key.has_ownername()) out.set_ownername(key.ownername());
  return out;
}

KeyLocation LocationWithoutPipeline(const KeyLocation& location) {
  // Every field of KeyLocation but pipeline, set only where the source has it (KeyRequestsTest
  // checks that none is left out).
  KeyLocation out;
  if (location.has_blockid()) *out.mutable_blockid() = location.blockid();
  if (location.has_offset()) out.set_offset(location.offset());
  if (location.has_length()) out.set_length(location.length());
  if (location.has_createversion()) out.set_createversion(location.createversion());
  if (location.has_partnumber()) out.set_partnumber(location.partnumber());
  return out;
}

KeyInfo OpenKeyRow(const KeyInfo& key) {
  KeyInfo out = CopyWithoutBlocks(key);
  for (const KeyLocationList& list : key.keylocationlist()) {
    KeyLocationList* copy = out.add_keylocationlist();
    if (list.has_version()) copy->set_version(list.version());
    if (list.has_ismultipartkey()) copy->set_ismultipartkey(list.ismultipartkey());
    copy->mutable_keylocations()->Reserve(list.keylocations_size());
    for (const KeyLocation& location : list.keylocations()) {
      *copy->add_keylocations() = LocationWithoutPipeline(location);
    }
  }
  return out;
}

}  // namespace ozone::om
