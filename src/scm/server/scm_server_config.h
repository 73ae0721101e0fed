// ScmServerConfig: everything an SCM node's parts are configured with, read once from the
// configuration with Ozone's keys and defaults (reference/ozone-ha.md §1), so that the
// composition root only wires.
//
// Thread-safety: a value type.
#pragma once

#include <chrono>
#include <optional>

#include "common/config/configuration.h"
#include "common/result.h"
#include "ha/ha_node.h"
#include "scm/block/block_manager.h"
#include "scm/block/deleted_block_log.h"
#include "scm/container/container_manager.h"
#include "scm/node/node_manager.h"
#include "scm/pipeline/pipeline_manager.h"
#include "scm/replication/replication_manager.h"
#include "scm/safemode/safe_mode_manager.h"

namespace ozone::scm {

struct ScmServerConfig {
  // Raft (ozone.scm.ha.ratis.*): election and heartbeat in ticks of the runtime's tick,
  // snapshot threshold, purge, segments, request timeout.
  raft::RaftServerOptions raft;
  // The Raft transport (ozone.ha.raft.transport; unset: TCP, or gRPC with TLS).
  std::optional<raft::TransportKind> transport;
  raft::RaftRuntimeOptions runtime;
  raft::SegmentedLogOptions log;
  std::chrono::milliseconds request_timeout{30'000};
  // ozone.scm.ha.dbtransactionbuffer.flush.interval.
  std::chrono::milliseconds buffer_flush_interval{60'000};
  // hadoop.hdds.db.rocksdb.writeoption.sync: sync scm.db's WAL on every buffer flush.
  bool rocksdb_write_sync = false;
  // ozone.scm.ha.grpc.deadline.interval (checkpoint downloads).
  std::chrono::milliseconds checkpoint_deadline{30 * 60'000};
  // ozone.scm.info.wait.duration (a joining SCM looks for the ring this long).
  std::chrono::milliseconds info_wait{10 * 60'000};
  // ozone.scm.sequence.id.batch.size.
  uint64_t sequence_id_batch = 1000;

  NodeManagerOptions nodes;
  PipelineManagerOptions pipelines;
  ContainerManagerOptions containers;
  BlockManagerOptions blocks;
  DeletedBlockLogOptions deleted_blocks;
  ReplicationManagerOptions replication;
  SafeModeOptions safe_mode;
  // ozone.scm.pipeline.creation.interval, hdds.scm.block.deleting.service.interval.
  std::chrono::milliseconds pipeline_creation_interval{120'000};
  std::chrono::milliseconds block_deleting_interval{60'000};
  // hdds.scm.safemode.pipeline.creation.
  bool create_pipelines_in_safe_mode = true;

  static Result<ScmServerConfig> FromConfiguration(const config::Configuration& conf);
};

}  // namespace ozone::scm
