#include "scm/server/scm_server_config.h"

#include <algorithm>

#include "common/config/ozone_keys.h"

namespace ozone::scm {

namespace {

namespace keys = config::keys;
using std::chrono::milliseconds;

Result<milliseconds> Millis(const config::Configuration& conf, const config::ConfigKey& key,
                            config::TimeUnit unit = config::TimeUnit::kMilliseconds) {
  OZ_ASSIGN_OR_RETURN(auto d, conf.GetDuration(key, unit));
  return std::chrono::duration_cast<milliseconds>(d);
}

}  // namespace

Result<ScmServerConfig> ScmServerConfig::FromConfiguration(const config::Configuration& conf) {
  ScmServerConfig c;
  // Raft.
  const milliseconds tick = c.runtime.tick_interval;
  OZ_ASSIGN_OR_RETURN(milliseconds election, Millis(conf, keys::kScmHaLeaderElectionTimeout));
  OZ_ASSIGN_OR_RETURN(milliseconds heartbeat, Millis(conf, keys::kScmHaHeartbeatInterval));
  c.raft.raft.election_ticks = std::max<int>(2, static_cast<int>(election / tick));
  c.raft.raft.heartbeat_ticks =
      std::clamp<int>(static_cast<int>(heartbeat / tick), 1, c.raft.raft.election_ticks - 1);
  OZ_ASSIGN_OR_RETURN(c.raft.raft.pre_vote, conf.GetBool(keys::kScmHaPreVote));
  OZ_ASSIGN_OR_RETURN(c.request_timeout, Millis(conf, keys::kScmHaRequestTimeout));
  OZ_ASSIGN_OR_RETURN(c.transport, ha::HaNode::TransportFromConfig(conf));
  c.raft.request_timeout = c.request_timeout;
  OZ_ASSIGN_OR_RETURN(int64_t threshold, conf.GetLong(keys::kScmHaSnapshotThreshold));
  c.raft.snapshot_threshold = static_cast<uint64_t>(std::max<int64_t>(threshold, 0));
  OZ_ASSIGN_OR_RETURN(c.raft.purge_enabled, conf.GetBool(keys::kScmHaLogPurgeEnabled));
  OZ_ASSIGN_OR_RETURN(int64_t gap, conf.GetLong(keys::kScmHaLogPurgeGap));
  c.raft.purge_gap = static_cast<uint64_t>(std::max<int64_t>(gap, 0));
  OZ_ASSIGN_OR_RETURN(c.log.max_segment_size,
                      conf.GetStorageSize(keys::kScmHaSegmentSize, config::StorageUnit::kBytes));
  OZ_ASSIGN_OR_RETURN(
      c.log.preallocate_size,
      conf.GetStorageSize(keys::kScmHaSegmentPreallocatedSize, config::StorageUnit::kBytes));
  OZ_ASSIGN_OR_RETURN(c.buffer_flush_interval,
                      Millis(conf, keys::kScmHaDbTransactionBufferFlushInterval));
  OZ_ASSIGN_OR_RETURN(c.rocksdb_write_sync, conf.GetBool(keys::kRocksDbWriteOptionSync));
  OZ_ASSIGN_OR_RETURN(c.checkpoint_deadline, Millis(conf, keys::kScmHaGrpcDeadline));
  OZ_ASSIGN_OR_RETURN(c.info_wait,
                      Millis(conf, keys::kScmInfoWaitDuration, config::TimeUnit::kSeconds));
  OZ_ASSIGN_OR_RETURN(int64_t batch, conf.GetLong(keys::kScmSequenceIdBatchSize));
  if (batch < 1) {
    return Status::InvalidArgument(std::string(keys::kScmSequenceIdBatchSize.name) +
                                   " must be at least 1");
  }
  c.sequence_id_batch = static_cast<uint64_t>(batch);

  // Managers.
  OZ_ASSIGN_OR_RETURN(c.nodes.stale_interval, Millis(conf, keys::kScmStaleNodeInterval));
  OZ_ASSIGN_OR_RETURN(c.nodes.dead_interval, Millis(conf, keys::kScmDeadNodeInterval));
  OZ_ASSIGN_OR_RETURN(c.pipelines.max_pipelines_per_datanode,
                      conf.GetInt(keys::kScmDatanodeMaxPipelineEngagement));
  OZ_ASSIGN_OR_RETURN(c.containers.container_size,
                      conf.GetStorageSize(keys::kScmContainerSize, config::StorageUnit::kBytes));
  c.blocks.container_size = c.containers.container_size;
  OZ_ASSIGN_OR_RETURN(c.blocks.block_size,
                      conf.GetStorageSize(keys::kScmBlockSize, config::StorageUnit::kBytes));
  OZ_ASSIGN_OR_RETURN(c.blocks.containers_per_pipeline,
                      conf.GetInt(keys::kScmPipelineOwnerContainerCount));
  OZ_ASSIGN_OR_RETURN(int64_t per_interval, conf.GetLong(keys::kScmBlockDeletionPerIntervalMax));
  c.deleted_blocks.max_blocks_per_interval =
      static_cast<size_t>(std::max<int64_t>(per_interval, 1));
  OZ_ASSIGN_OR_RETURN(c.replication.interval, Millis(conf, keys::kScmReplicationThreadInterval));
  OZ_ASSIGN_OR_RETURN(c.replication.wait_after_safe_mode,
                      Millis(conf, keys::kScmWaitTimeAfterSafeModeExit));
  OZ_ASSIGN_OR_RETURN(c.safe_mode.enabled, conf.GetBool(keys::kScmSafeModeEnabled));
  OZ_ASSIGN_OR_RETURN(int min_dn, conf.GetInt(keys::kScmSafeModeMinDatanode));
  c.safe_mode.min_datanodes = static_cast<size_t>(std::max(min_dn, 0));
  OZ_ASSIGN_OR_RETURN(c.safe_mode.container_threshold,
                      conf.GetDouble(keys::kScmSafeModeThresholdPct));
  OZ_ASSIGN_OR_RETURN(c.safe_mode.healthy_pipeline_pct,
                      conf.GetDouble(keys::kScmSafeModeHealthyPipelinePct));
  OZ_ASSIGN_OR_RETURN(c.safe_mode.one_replica_pipeline_pct,
                      conf.GetDouble(keys::kScmSafeModeOneReplicaPipelinePct));
  OZ_ASSIGN_OR_RETURN(c.create_pipelines_in_safe_mode,
                      conf.GetBool(keys::kScmSafeModePipelineCreation));
  OZ_ASSIGN_OR_RETURN(c.pipeline_creation_interval,
                      Millis(conf, keys::kScmPipelineCreationInterval));
  OZ_ASSIGN_OR_RETURN(c.block_deleting_interval,
                      Millis(conf, keys::kScmBlockDeletingServiceInterval));
  return c;
}

}  // namespace ozone::scm
