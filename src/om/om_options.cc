#include "om/om_options.h"

#include "common/config/ozone_keys.h"
#include "om/om_config_keys.h"

namespace ozone::om {

namespace {

std::chrono::milliseconds Millis(std::chrono::nanoseconds d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

}  // namespace

Result<OmOptions> OmOptions::FromConfiguration(const config::Configuration& conf) {
  using config::StorageUnit;
  using config::TimeUnit;
  OmOptions o;
  if (auto ids = conf.GetStrings(config::keys::kOmServiceIds); !ids.empty()) o.service_id = ids[0];
  OZ_ASSIGN_OR_RETURN(o.scm_block_size,
                      conf.GetStorageSize(config::keys::kScmBlockSize, StorageUnit::kBytes));
  OZ_ASSIGN_OR_RETURN(int32_t prealloc, conf.GetInt(kKeyPreallocationMaxBlocks));
  o.preallocate_blocks_max = prealloc < 1 ? 1 : static_cast<uint32_t>(prealloc);
  std::string type = conf.GetString(kReplicationType);
  if (!hdds::ReplicationType_Parse(type, &o.default_replication_type)) {
    return ozone::Status::InvalidArgument("unknown " + std::string(kReplicationType.name) + ": " + type);
  }
  std::string factor = conf.GetString(kReplication);
  if (factor == "1") factor = "ONE";
  if (factor == "3") factor = "THREE";
  if (!hdds::ReplicationFactor_Parse(factor, &o.default_replication_factor)) {
    o.default_replication_factor = hdds::THREE;  // an EC default names no factor
  }
  OZ_ASSIGN_OR_RETURN(o.keyname_character_check, conf.GetBool(kKeynameCharacterCheck));
  OZ_ASSIGN_OR_RETURN(o.strict_s3, conf.GetBool(kNamespaceS3Strict));
  OZ_ASSIGN_OR_RETURN(auto expiry, conf.GetDuration(kRetryCacheExpiry, TimeUnit::kMilliseconds));
  o.retry_cache_expiry = Millis(expiry);
  OZ_ASSIGN_OR_RETURN(int64_t unflushed, conf.GetLong(kUnflushedTransactionMaxCount));
  o.unflushed_transaction_max_count = unflushed < 1 ? 1 : static_cast<uint64_t>(unflushed);
  OZ_ASSIGN_OR_RETURN(o.rocksdb_write_sync, conf.GetBool(config::keys::kRocksDbWriteOptionSync));
  OZ_ASSIGN_OR_RETURN(auto open_expire,
                      conf.GetDuration(kOpenKeyExpireThreshold, TimeUnit::kMilliseconds));
  o.open_key_expire_threshold = Millis(open_expire);
  OZ_ASSIGN_OR_RETURN(auto open_interval,
                      conf.GetDuration(kOpenKeyCleanupInterval, TimeUnit::kMilliseconds));
  o.open_key_cleanup_interval = Millis(open_interval);
  OZ_ASSIGN_OR_RETURN(int32_t open_limit, conf.GetInt(kOpenKeyCleanupLimit));
  o.open_key_cleanup_limit = open_limit < 1 ? 1 : static_cast<uint32_t>(open_limit);
  OZ_ASSIGN_OR_RETURN(int32_t deleting_limit, conf.GetInt(kKeyDeletingLimit));
  o.key_deleting_limit = deleting_limit < 1 ? 1 : static_cast<uint32_t>(deleting_limit);
  OZ_ASSIGN_OR_RETURN(auto deleting_interval,
                      conf.GetDuration(kBlockDeletingInterval, TimeUnit::kMilliseconds));
  o.key_deleting_interval = Millis(deleting_interval);
  OZ_ASSIGN_OR_RETURN(auto lifecycle_interval,
                      conf.GetDuration(kLifecycleInterval, TimeUnit::kMilliseconds));
  o.lifecycle_interval = Millis(lifecycle_interval);
  OZ_ASSIGN_OR_RETURN(int32_t prefetch, conf.GetInt(kScmBlockPrefetchCount));
  o.scm_block_prefetch_count = prefetch < 0 ? 0 : static_cast<uint32_t>(prefetch);
  OZ_ASSIGN_OR_RETURN(auto prefetch_age,
                      conf.GetDuration(kScmBlockPrefetchMaxAge, TimeUnit::kMilliseconds));
  o.scm_block_prefetch_max_age = Millis(prefetch_age);
  OZ_ASSIGN_OR_RETURN(auto gather,
                      conf.GetDuration(kDoubleBufferGatherInterval, TimeUnit::kMilliseconds));
  o.double_buffer_gather_interval = std::chrono::duration_cast<std::chrono::microseconds>(gather);
  return o;
}

}  // namespace ozone::om
