// ContainerManager: SCM's leader logic for containers (Ozone's ContainerManagerImpl) plus the
// replica map, which is soft state every SCM builds from datanode reports.
//
//   - AllocateContainer: a new OPEN container on a pipeline: its id comes from the sequence id
//     generator (containerId), the record is replicated (AddContainer). Leader only.
//   - UpdateState: a lifecycle event, replicated. CloseContainer = FINALIZE then a
//     CloseContainerCommand to the pipeline's datanodes; the replicas reporting CLOSED complete it
//     (CLOSE).
//   - Replicas: container reports (full, incremental) update who holds which container in which
//     state; on the leader they may drive the lifecycle (a CLOSED replica of a CLOSING container
//     closes it) and refresh usedBytes/numberOfKeys (UpdateContainerInfo, batched).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "ha/ha_context.h"
#include "ha/sequence_id_generator.h"
#include "scm/container/container_state_manager.h"
#include "scm/ha/scm_requests.h"
#include "scm/node/node_manager.h"
#include "scm/pipeline/pipeline_state_manager.h"

namespace ozone::scm {

struct ContainerReplica {
  std::string datanode_uuid;
  ContainerReplicaState state = REPLICA_OPEN;
  uint64_t key_count = 0;
  uint64_t used = 0;
  int64_t sequence_id = 0;
};

struct ContainerManagerOptions {
  // ozone.scm.container.size. Default: 5 GB.
  uint64_t container_size = uint64_t{5} << 30;
};

class ContainerManager {
 public:
  ContainerManager(ContainerManagerOptions options, ContainerStateManager* state,
                   PipelineStateManager* pipelines, NodeManager* nodes,
                   ha::SequenceIdGenerator* ids, ScmRequests* requests,
                   const ha::HaContext* context, const Clock* clock = &Clock::Real());

  // Leader only.
  Result<hdds::ContainerInfoProto> AllocateContainer(const hdds::Pipeline& pipeline,
                                                     const std::string& owner);
  Status UpdateState(int64_t container_id, LifeCycleEvent event);
  // FINALIZE (if OPEN) and ask the datanodes to close it.
  Status CloseContainer(int64_t container_id);

  std::optional<hdds::ContainerInfoProto> Get(int64_t container_id) const;
  std::vector<ContainerReplica> Replicas(int64_t container_id) const;

  // Reports from a datanode (every SCM processes them).
  void ProcessContainerReport(const std::string& datanode_uuid,
                              const ContainerReportsProto& report);
  void ProcessIncrementalReport(const std::string& datanode_uuid,
                                const IncrementalContainerReportProto& report);
  // Containers with at least one replica reported (safe mode's container rule).
  size_t CountWithReportedReplica() const;

 private:
  ContainerManagerOptions options_;
  ContainerStateManager* state_;
  PipelineStateManager* pipelines_;
  NodeManager* nodes_;
  ha::SequenceIdGenerator* ids_;
  ScmRequests* requests_;
  const ha::HaContext* context_;
  const Clock* clock_;
  mutable std::mutex mu_;
  // container id -> datanode uuid -> replica; guarded by mu_
  std::map<int64_t, std::map<std::string, ContainerReplica>> replicas_;
};

}  // namespace ozone::scm
