// PipelineStateManager: the replicated state of pipelines (Ozone's PipelineStateManagerImpl):
// each Pipeline (id, members, type/factor, state) in the `pipelines` table and in memory.
// Changed only by applying log entries; a duplicate id or an unknown pipeline is a domain
// failure (DUPLICATED_PIPELINE_ID, FAILED_TO_FIND_PIPELINE), and so is a state change a pipeline
// cannot make (INVALID_PIPELINE_STATE): ALLOCATED -> OPEN, OPEN <-> DORMANT, any -> CLOSED; a
// change to the state it is in succeeds and changes nothing.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "ha/apply_handler.h"
#include "hdds.pb.h"
#include "scm.pb.h"

namespace ozone::scm {

class PipelineStateManager {
 public:
  // Apply side (deterministic; a domain failure is the returned ScmError; an error Result is a
  // local failure, e.g. a missing table: the replica stops).
  Result<std::optional<ScmError>> ApplyAdd(ha::ApplyContext& ctx, const hdds::Pipeline& pipeline);
  Result<std::optional<ScmError>> ApplyUpdateState(ha::ApplyContext& ctx,
                                                   const hdds::PipelineID& id,
                                                   hdds::PipelineState state);
  Result<std::optional<ScmError>> ApplyRemove(ha::ApplyContext& ctx, const hdds::PipelineID& id);
  Status Reload(storage::DBStore& db);

  std::optional<hdds::Pipeline> Get(const hdds::PipelineID& id) const;
  std::vector<hdds::Pipeline> List(std::optional<hdds::ReplicationType> type = {},
                                   std::optional<hdds::ReplicationFactor> factor = {},
                                   std::optional<hdds::PipelineState> state = {}) const;
  // Pipelines a datanode (uuid) is a member of.
  std::vector<hdds::Pipeline> PipelinesOf(const std::string& datanode_uuid) const;
  size_t Count() const;
  // Bumped by every applied change and by Reload (leader-side caches refresh when it moves).
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, hdds::Pipeline> pipelines_;  // by UUID text; guarded by mu_
  std::atomic<uint64_t> version_{0};
};

}  // namespace ozone::scm
