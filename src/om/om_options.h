// OmOptions: the settings of the OM core, with Ozone's keys and defaults. Everything Apply uses
// must be the same on every replica (it is configuration, read once at start).
//
// Thread-safety: a value type.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/config/configuration.h"
#include "common/result.h"
#include "hdds.pb.h"

namespace ozone::om {

struct OmOptions {
  // This OM service's id (the block owner in SCM requests). Default: "omServiceIdDefault".
  std::string service_id = "omServiceIdDefault";
  // ozone.scm.block.size. Default: 256MB.
  uint64_t scm_block_size = 256ull << 20;
  // ozone.key.preallocation.max.blocks: blocks allocated at key open at most. Default: 64.
  uint32_t preallocate_blocks_max = 64;
  // ozone.replication.type / ozone.replication: for keys and buckets that name none.
  // Default: RATIS / THREE.
  hdds::ReplicationType default_replication_type = hdds::RATIS;
  hdds::ReplicationFactor default_replication_factor = hdds::THREE;
  // ozone.om.keyname.character.check.enabled: refuse key names with characters Ozone calls
  // illegal (INVALID_KEY_NAME). Default: false.
  bool keyname_character_check = false;
  // ozone.om.namespace.s3.strict: volume/bucket names follow S3's rules strictly ('_' refused).
  // Default: true.
  bool strict_s3 = true;
  // ozone.om.ha.raft.server.retrycache.expirytime: how long an applied write's response is kept
  // for retries (counted in leader time). Default: 300s.
  std::chrono::milliseconds retry_cache_expiry{300'000};
  // Responses kept at most (the oldest go first). The project's own bound. Default: 100000.
  uint64_t retry_cache_max_entries = 100'000;
  // ozone.om.unflushed.transaction.max.count: the double buffer's back-pressure. Default: 10000.
  uint64_t unflushed_transaction_max_count = 10'000;
  // hadoop.hdds.db.rocksdb.writeoption.sync: sync om.db's WAL on every double-buffer flush.
  // Default: false (the Raft log is synced; a snapshot syncs om.db before the log is purged).
  bool rocksdb_write_sync = false;
  // ozone.om.open.key.expire.threshold: open keys older than this are deleted by the
  // OpenKeyCleanupService. Default: 7d.
  std::chrono::milliseconds open_key_expire_threshold{7LL * 24 * 3600 * 1000};
  // ozone.om.open.key.cleanup.service.interval. Default: 24h.
  std::chrono::milliseconds open_key_cleanup_interval{24LL * 3600 * 1000};
  // ozone.om.open.key.cleanup.limit.per.task. Default: 1000.
  uint32_t open_key_cleanup_limit = 1000;
  // ozone.key.deleting.limit.per.task. Default: 50000.
  uint32_t key_deleting_limit = 50'000;
  // ozone.block.deleting.service.interval (the KeyDeletingService's period). Default: 60s.
  std::chrono::milliseconds key_deleting_interval{60'000};
  // ozone.om.lifecycle.service.interval (KeyLifecycleService, the project's stateful service).
  // Default: 60s.
  std::chrono::milliseconds lifecycle_interval{60'000};
  // Keys one lifecycle run examines at most. Default: 10000.
  uint32_t lifecycle_scan_limit = 10'000;

  // ozone.om.scm.block.prefetch.count (the project's): blocks the leader keeps allocated ahead
  // per replication at first and when idle (PrefetchingScmBlockClient: up to 16 x this under
  // bursts); 0: off. Default: 64.
  uint32_t scm_block_prefetch_count = 64;
  // ozone.om.scm.block.prefetch.max.age: blocks kept longer are dropped. Default: 10s.
  std::chrono::milliseconds scm_block_prefetch_max_age{10'000};
  // ozone.om.double.buffer.gather.interval (the project's): how long the double buffer's flush
  // thread gathers entries before a commit. Default: 1ms.
  std::chrono::microseconds double_buffer_gather_interval{1'000};

  // Reads the keys above from `conf` (unset keys keep their defaults).
  static Result<OmOptions> FromConfiguration(const config::Configuration& conf);
};

}  // namespace ozone::om
