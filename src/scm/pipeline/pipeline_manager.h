// PipelineManager: SCM's leader logic for pipelines (Ozone's PipelineManagerImpl):
//   - CreatePipeline: picks healthy datanodes (for RATIS/THREE: three, preferring those in the
//     fewest pipelines, at most `max_pipelines_per_datanode` RATIS/THREE pipelines each; for
//     RATIS/ONE: one datanode without a RATIS/ONE pipeline), gives the pipeline a fresh random id
//     and creation time (chosen here, before proposing: apply stays deterministic), replicates it
//     in state ALLOCATED and sends CreatePipelineCommand to its members. Only RATIS is supported
//     (NOT_SUPPORTED_OPERATION otherwise).
//   - Pipeline reports (full, per datanode; every SCM records them, soft state): once every
//     member reported an ALLOCATED pipeline, the leader (ready) opens it (PIPELINE_OPEN,
//     replicated); a report of a pipeline SCM does not know gets a ClosePipelineCommand. The
//     member reporting isLeader is remembered (soft) and shown as the pipeline's leaderID.
//   - ClosePipeline: PIPELINE_CLOSED (replicated), ClosePipelineCommand to the members, and
//     closes its open containers.
//   - CreateAsManyAsPossible (the background creator's task) first closes pipelines with a dead
//     member, then creates pipelines while datanodes allow.
// BackgroundPipelineCreator is the leader-only service that keeps enough open pipelines.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "scm/ha/scm_requests.h"
#include "scm/node/node_manager.h"
#include "scm/pipeline/pipeline_state_manager.h"

namespace ozone::scm {

class ContainerManager;

struct PipelineManagerOptions {
  // ozone.scm.datanode.max.pipeline.engagement: pipelines one datanode may be in. Default: 2.
  int max_pipelines_per_datanode = 2;
  // Open RATIS/ONE pipelines to keep for single-replica clients (Ozone creates them too).
  // Default: true.
  bool create_factor_one = true;
};

class PipelineManager {
 public:
  PipelineManager(PipelineManagerOptions options, PipelineStateManager* state, NodeManager* nodes,
                  ScmRequests* requests, const ha::HaContext* context,
                  const Clock* clock = &Clock::Real());
  // Set after construction (ContainerManager needs PipelineManager's state too).
  void SetContainerManager(ContainerManager* containers) { containers_ = containers; }

  // Leader only. FAILED_TO_FIND_SUITABLE_NODE when there are not enough healthy datanodes.
  Result<hdds::Pipeline> CreatePipeline(hdds::ReplicationType type, hdds::ReplicationFactor factor);
  Status ClosePipeline(const hdds::PipelineID& id);
  // Opens pipelines all of whose members reported them (leader only; called on reports).
  void ProcessPipelineReport(const std::string& datanode_uuid, const PipelineReportsProto& report);
  // Creates pipelines while datanodes allow (the background creator's task).
  void CreateAsManyAsPossible();

  // A pipeline (with its reported leader as leaderID), or nullopt.
  std::optional<hdds::Pipeline> Get(const hdds::PipelineID& id) const;
  // OPEN pipelines of that replication (with their reported leaders), in id order.
  std::vector<hdds::Pipeline> OpenPipelines(hdds::ReplicationType type,
                                            hdds::ReplicationFactor factor) const;
  // Moves whenever a pipeline is added, changes state or is removed (PipelineStateManager's
  // version) or a member reports another leader: lets BlockManager refresh its cache.
  uint64_t version() const;
  // Among the OPEN RATIS/THREE pipelines: those with every member reported (safe mode's
  // healthy-pipeline rule), and those with at least one member reported.
  size_t CountFullyReported() const;
  size_t CountWithOneReported() const;

 private:
  hdds::Pipeline WithLeaderLocked(hdds::Pipeline pipeline) const;  // REQUIRES: mu_ held
  Status SendPipelineCommand(const std::string& datanode_uuid, SCMCommandProto command);

  PipelineManagerOptions options_;
  PipelineStateManager* state_;
  NodeManager* nodes_;
  ScmRequests* requests_;
  const ha::HaContext* context_;
  const Clock* clock_;
  ContainerManager* containers_ = nullptr;
  std::mutex create_mu_;  // serializes choosing datanodes and proposing a new pipeline
  mutable std::mutex mu_;
  std::map<std::string, std::set<std::string>> reported_;  // pipeline -> datanodes; guarded by mu_
  std::map<std::string, std::string> leaders_;  // pipeline -> leader datanode; guarded by mu_
  std::atomic<uint64_t> leader_changes_{0};
};

// The leader-only service creating pipelines every interval (ozone.scm.pipeline.creation.interval,
// 120 s) and when a datanode registers. Runs in safe mode too
// (hdds.scm.safemode.pipeline.creation).
std::shared_ptr<ha::BackgroundService> MakeBackgroundPipelineCreator(
    PipelineManager* pipelines, const ha::HaContext* context, std::chrono::milliseconds interval);

}  // namespace ozone::scm
