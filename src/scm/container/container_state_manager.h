// ContainerStateManager: the replicated state of containers (Ozone's ContainerStateManagerImpl):
// each container's ContainerInfoProto, in the `containers` table and in memory (the read path).
// Changed only by applying log entries (ScmApplyHandler calls the Apply* methods, in log order,
// deterministically); read by everyone.
//
// Lifecycle (hdds.LifeCycleState): OPEN -FINALIZE-> CLOSING -QUASI_CLOSE-> QUASI_CLOSED
// -FORCE_CLOSE-> CLOSED; CLOSING -CLOSE-> CLOSED; CLOSED -DELETE-> DELETING -CLEANUP-> DELETED.
// CLOSE also takes QUASI_CLOSED to CLOSED (scm.proto). An event that does not apply to the current
// state is a domain failure (UNEXPECTED_CONTAINER_STATE), reported to the proposer, not fatal;
// so are a duplicate id (CONTAINER_EXISTS) and an unknown one (FAILED_TO_FIND_CONTAINER).
// stateEnterTime is the leader's, set when the container is created; applying an event keeps it
// (the apply side reads no clock).
//
// Thread-safety: all methods may be called from any thread (reads take a shared lock).
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "ha/apply_handler.h"
#include "hdds.pb.h"
#include "scm.pb.h"

namespace ozone::scm {

class ContainerStateManager {
 public:
  // --- apply side (deterministic; a domain failure is the returned ScmError; an error Result
  // is a local failure, e.g. a missing table: the replica stops) ---
  Result<std::optional<ScmError>> ApplyAdd(ha::ApplyContext& ctx,
                                           const hdds::ContainerInfoProto& info);
  Result<std::optional<ScmError>> ApplyUpdateState(ha::ApplyContext& ctx, int64_t container_id,
                                                   LifeCycleEvent event);
  Result<std::optional<ScmError>> ApplyUpdateInfo(ha::ApplyContext& ctx,
                                                  const hdds::ContainerInfoProto& info);
  Result<std::optional<ScmError>> ApplyRemove(ha::ApplyContext& ctx, int64_t container_id);
  // Rebuilds memory from the `containers` table.
  Status Reload(storage::DBStore& db);

  // --- reads ---
  std::optional<hdds::ContainerInfoProto> Get(int64_t container_id) const;
  // Containers with id >= start, in id order, at most `count`, matching the filters.
  std::vector<hdds::ContainerInfoProto> List(
      int64_t start, size_t count, std::optional<hdds::LifeCycleState> state = {},
      std::optional<hdds::ReplicationType> type = {},
      std::optional<hdds::ReplicationFactor> factor = {}) const;
  // Open containers on a pipeline, in id order.
  std::vector<hdds::ContainerInfoProto> OpenContainersOf(const hdds::PipelineID& pipeline) const;
  size_t Count() const;
  size_t CountInState(hdds::LifeCycleState state) const;
  // Bumped by every applied add, state change and removal (not by UpdateContainerInfo) and by
  // Reload: leader-side caches of open containers (BlockManager) refresh when it moves.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  void IndexLocked(const hdds::ContainerInfoProto& info);    // REQUIRES: mu_ held exclusively
  void UnindexLocked(const hdds::ContainerInfoProto& info);  // REQUIRES: mu_ held exclusively

  mutable std::shared_mutex mu_;
  std::map<int64_t, hdds::ContainerInfoProto> containers_;  // guarded by mu_
  // Open container ids by pipeline UUID text; guarded by mu_
  std::map<std::string, std::set<int64_t>> open_by_pipeline_;
  std::map<hdds::LifeCycleState, size_t> count_by_state_;  // guarded by mu_
  std::atomic<uint64_t> version_{0};
};

// The state a lifecycle event leads to from `from`, or nullopt if it does not apply.
std::optional<hdds::LifeCycleState> NextState(hdds::LifeCycleState from, LifeCycleEvent event);

}  // namespace ozone::scm
