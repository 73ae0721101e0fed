#include "om/server/om_server_config.h"

#include <algorithm>

#include "common/config/ozone_keys.h"

namespace ozone::om {

namespace {

namespace keys = config::keys;
using std::chrono::milliseconds;

Result<milliseconds> Millis(const config::Configuration& conf, const config::ConfigKey& key) {
  OZ_ASSIGN_OR_RETURN(auto d, conf.GetDuration(key, config::TimeUnit::kMilliseconds));
  return std::chrono::duration_cast<milliseconds>(d);
}

}  // namespace

Result<OmServerConfig> OmServerConfig::FromConfiguration(const config::Configuration& conf) {
  OmServerConfig c;
  OZ_ASSIGN_OR_RETURN(c.om, OmOptions::FromConfiguration(conf));
  const milliseconds tick = c.runtime.tick_interval;
  OZ_ASSIGN_OR_RETURN(milliseconds election, Millis(conf, keys::kOmRatisMinimumTimeout));
  c.raft.raft.election_ticks = std::max<int>(4, static_cast<int>(election / tick));
  c.raft.raft.heartbeat_ticks = std::max<int>(1, c.raft.raft.election_ticks / 10);
  OZ_ASSIGN_OR_RETURN(c.raft.raft.pre_vote, conf.GetBool(keys::kOmRatisPreVote));
  OZ_ASSIGN_OR_RETURN(c.request_timeout, Millis(conf, keys::kOmRatisRequestTimeout));
  OZ_ASSIGN_OR_RETURN(c.transport, ha::HaNode::TransportFromConfig(conf));
  c.raft.request_timeout = std::max(c.request_timeout, milliseconds(30'000));
  OZ_ASSIGN_OR_RETURN(int64_t threshold, conf.GetLong(keys::kOmRatisSnapshotAutoTriggerThreshold));
  c.raft.snapshot_threshold = static_cast<uint64_t>(std::max<int64_t>(threshold, 0));
  OZ_ASSIGN_OR_RETURN(c.raft.purge_enabled, conf.GetBool(keys::kOmRatisLogPurgeUptoSnapshotIndex));
  OZ_ASSIGN_OR_RETURN(int64_t gap, conf.GetLong(keys::kOmRatisLogPurgeGap));
  c.raft.purge_gap = static_cast<uint64_t>(std::max<int64_t>(gap, 0));
  OZ_ASSIGN_OR_RETURN(c.log.max_segment_size,
                      conf.GetStorageSize(keys::kOmRatisSegmentSize, config::StorageUnit::kBytes));
  OZ_ASSIGN_OR_RETURN(c.log.preallocate_size,
                      conf.GetStorageSize(keys::kOmRatisSegmentPreallocatedSize,
                                          config::StorageUnit::kBytes));
  OZ_ASSIGN_OR_RETURN(c.checkpoint_deadline, Millis(conf, keys::kOmSnapshotProviderRequestTimeout));
  return c;
}

}  // namespace ozone::om
