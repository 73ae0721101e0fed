// Test doubles of SCM: the replicated state of one ring (ReplicatedScm: scm.db, the apply-side
// states, ScmApplyHandler, a DirectReplicator standing for the log) and the leader side of one
// SCM node over it (ScmNode: HaContext, managers, services), so that tests of managers run
// without Raft. Several ScmNodes over one ReplicatedScm simulate a failover: each submits only
// while its own HaContext says it is the leader (GatedReplicator), as HaNode does.
//
// Thread-safety: as the parts; tests drive them from their own threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "ha/replicator.h"
#include "ha/sequence_id_generator.h"
#include "ha/stateful_service.h"
#include "ha/testing/direct_replicator.h"
#include "scm/balancer/container_balancer.h"
#include "scm/block/block_manager.h"
#include "scm/block/deleted_block_log.h"
#include "scm/block/deleted_block_log_state.h"
#include "scm/container/container_manager.h"
#include "scm/container/container_state_manager.h"
#include "scm/ha/scm_apply_handler.h"
#include "scm/ha/scm_requests.h"
#include "scm/ha/scm_service_config_store.h"
#include "scm/node/node_manager.h"
#include "scm/pipeline/pipeline_manager.h"
#include "scm/pipeline/pipeline_state_manager.h"
#include "scm/replication/replication_manager.h"
#include "scm/safemode/safe_mode_manager.h"
#include "storage/db_store.h"

namespace ozone::scm::testing {

// A datanode numbered `i` (>= 1): uuid 00000000-0000-0000-0000-<i as 12 hex digits>, host dn<i>,
// address 10.0.0.<i>.
hdds::DatanodeDetailsProto MakeDatanode(int i);

// The replicated state of a ring: what every SCM holds once it applied the log.
class ReplicatedScm {
 public:
  // Opens (creates) scm.db at `db_path` and loads the states from it.
  explicit ReplicatedScm(const std::string& db_path);

  storage::DBStore* db() { return db_.get(); }
  ha::testing::DirectReplicator& log() { return *log_; }

  ContainerStateManager containers;
  PipelineStateManager pipelines;
  DeletedBlockLogState deleted_blocks;
  ha::SequenceIdState sequence_ids;
  ha::ServiceConfigState service_configs;
  ScmApplyHandler handler;

 private:
  std::unique_ptr<storage::DBStore> db_;
  std::unique_ptr<ha::testing::DirectReplicator> log_;
};

// Submits to `inner` only while `context` says this node is the leader (NotLeader otherwise).
class GatedReplicator : public ha::Replicator {
 public:
  GatedReplicator(ha::Replicator* inner, const ha::HaContext* context)
      : inner_(inner), context_(context) {}
  Result<std::string> Submit(std::string request) override;

 private:
  ha::Replicator* inner_;
  const ha::HaContext* context_;
};

struct ScmNodeOptions {
  uint64_t sequence_id_batch = 1000;
  NodeManagerOptions nodes;
  PipelineManagerOptions pipelines{.max_pipelines_per_datanode = 2, .create_factor_one = false};
  ContainerManagerOptions containers;
  BlockManagerOptions blocks;
  DeletedBlockLogOptions deleted_blocks;
  ReplicationManagerOptions replication;
  SafeModeOptions safe_mode;
};

// The leader side of one SCM node. Starts as the ready leader of term 1, out of safe mode.
class ScmNode {
 public:
  ScmNode(ReplicatedScm* state, const Clock* clock, ScmNodeOptions options = {});
  ~ScmNode();

  // What the server does on leadership events.
  void BecomeLeader(Term term);
  void BecomeFollower(Term term, const std::string& leader_hint);

  // Registers datanodes numbered first..first+n-1; returns their uuids.
  std::vector<std::string> RegisterDatanodes(int n, int first = 1);
  // Every registered datanode sends a full pipeline report of the pipelines it is a member of
  // (the leader opens the ALLOCATED ones).
  void ReportAllPipelines();
  // Creates a RATIS pipeline of `factor` and has its members report it: it is OPEN after.
  Result<hdds::Pipeline> OpenPipeline(hdds::ReplicationFactor factor);
  // Datanode `uuid` reports a replica of `container_id` in `state` (incrementally).
  void ReportReplica(const std::string& uuid, int64_t container_id, ContainerReplicaState state,
                     uint64_t used = 0, uint64_t keys = 0);
  // Takes the commands queued for `uuid` (as its heartbeat would, on the leader).
  std::vector<SCMCommandProto> TakeCommands(const std::string& uuid);

  ReplicatedScm* state;
  ha::HaContext context;
  GatedReplicator replicator;
  ScmRequests requests;
  ha::ServiceManager services;
  NodeManager nodes;
  ha::SequenceIdGenerator ids;
  PipelineManager pipelines;
  ContainerManager containers;
  BlockManager blocks;
  DeletedBlockLog deleted_blocks;
  ReplicationManager replication;
  ScmServiceConfigStore config_store;
  std::shared_ptr<ContainerBalancer> balancer;
  bool state_machine_ready = true;
  SafeModeManager safe_mode;
};

}  // namespace ozone::scm::testing
