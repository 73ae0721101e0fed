// ContainerManager: SCM's leader logic for containers (Ozone's ContainerManagerImpl) plus the
// replica map, which is soft state every SCM builds from datanode reports.
//
//   - AllocateContainer: a new OPEN container on a pipeline: its id comes from the sequence id
//     generator (containerId), the record is replicated (AddContainer). Leader only.
//   - UpdateState: a lifecycle event, replicated. CloseContainer = FINALIZE then a
//     CloseContainerCommand to the pipeline's datanodes; the replicas reporting CLOSED complete it
//     (CLOSE).
//   - Replicas: container reports (full, incremental) update who holds which container in which
//     state; on the leader (ready) they drive the lifecycle (a non-open replica of an OPEN
//     container finalizes it; a CLOSED replica closes a CLOSING (CLOSE) or QUASI_CLOSED
//     (FORCE_CLOSE) container; a QUASI_CLOSED replica quasi-closes a CLOSING one) and refresh
//     usedBytes/numberOfKeys/sequenceId (the largest among replicas) with one UpdateContainerInfo
//     per changed container after the report is processed. A replica of a container SCM does not
//     know is kept in the map (and ignored by the leader).
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

  // Leader only (NotLeader otherwise). The container gets the pipeline's replication, the
  // leader's wall time as stateEnterTime, and is OPEN.
  Result<hdds::ContainerInfoProto> AllocateContainer(const hdds::Pipeline& pipeline,
                                                     const std::string& owner);
  Status UpdateState(int64_t container_id, LifeCycleEvent event);
  // FINALIZE (if OPEN) and ask the datanodes to close it (CloseContainerCommand to the members of
  // its pipeline and to the datanodes of its replicas). FAILED_TO_FIND_CONTAINER if unknown,
  // UNEXPECTED_CONTAINER_STATE unless OPEN or CLOSING.
  Status CloseContainer(int64_t container_id);

  std::optional<hdds::ContainerInfoProto> Get(int64_t container_id) const;
  // Replicas in datanode uuid order.
  std::vector<ContainerReplica> Replicas(int64_t container_id) const;
  // The replicated state (listing, counts).
  const ContainerStateManager& state() const { return *state_; }

  // Reports from a datanode (every SCM processes them).
  void ProcessContainerReport(const std::string& datanode_uuid,
                              const ContainerReportsProto& report);
  void ProcessIncrementalReport(const std::string& datanode_uuid,
                                const IncrementalContainerReportProto& report);
  // Containers known to SCM with at least one replica reported.
  size_t CountWithReportedReplica() const;
  // Replicas a datanode reported (`ozone admin datanode list`).
  size_t ContainersOn(const std::string& datanode_uuid) const;

 private:
  // Leader-side reactions to the replicas of `ids` (lifecycle, stats); outside mu_.
  void ReconcileOnLeader(const std::set<int64_t>& ids);
  Status SendCloseCommands(const hdds::ContainerInfoProto& info);

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
  // datanode uuid -> container ids it reported; guarded by mu_
  std::map<std::string, std::set<int64_t>> containers_of_node_;
};

}  // namespace ozone::scm
