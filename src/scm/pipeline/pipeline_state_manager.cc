#include "scm/pipeline/pipeline_state_manager.h"

#include <mutex>

#include "scm/metadata/scm_db_definition.h"
#include "scm/node/datanode_details.h"
#include "storage/table.h"

namespace ozone::scm {

namespace {

using PipelineTable = storage::Table<PipelineIdCodec, ProtoCodec<hdds::Pipeline>>;

ScmError Error(ScmResultCode code, std::string message) {
  ScmError e;
  e.set_code(code);
  e.set_message(std::move(message));
  return e;
}

// Whether a pipeline in `from` may move to `to` (a no-op move is handled by the caller).
bool CanMove(hdds::PipelineState from, hdds::PipelineState to) {
  if (to == hdds::PIPELINE_CLOSED) return true;
  switch (from) {
    case hdds::PIPELINE_ALLOCATED:
      return to == hdds::PIPELINE_OPEN;
    case hdds::PIPELINE_OPEN:
      return to == hdds::PIPELINE_DORMANT;
    case hdds::PIPELINE_DORMANT:
      return to == hdds::PIPELINE_OPEN;
    case hdds::PIPELINE_CLOSED:
      return false;
  }
  return false;
}

}  // namespace

Result<std::optional<ScmError>> PipelineStateManager::ApplyAdd(ha::ApplyContext& ctx,
                                                               const hdds::Pipeline& pipeline) {
  OZ_ASSIGN_OR_RETURN(PipelineTable table, PipelineTable::Open(*ctx.db, kPipelines));
  Uuid uuid = PipelineIdToUuid(pipeline.id());
  if (uuid.is_nil()) {
    return std::optional<ScmError>(Error(INVALID_ARGUMENT, "Pipeline without a valid id"));
  }
  std::string key = uuid.ToString();
  std::unique_lock<std::shared_mutex> l(mu_);
  if (pipelines_.contains(key)) {
    return std::optional<ScmError>(
        Error(DUPLICATED_PIPELINE_ID, "Pipeline " + key + " already exists"));
  }
  table.PutInBatch(*ctx.batch, PipelineIdFromUuid(uuid), pipeline);
  pipelines_.emplace(std::move(key), pipeline);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return std::optional<ScmError>();
}

Result<std::optional<ScmError>> PipelineStateManager::ApplyUpdateState(ha::ApplyContext& ctx,
                                                                       const hdds::PipelineID& id,
                                                                       hdds::PipelineState state) {
  OZ_ASSIGN_OR_RETURN(PipelineTable table, PipelineTable::Open(*ctx.db, kPipelines));
  Uuid uuid = PipelineIdToUuid(id);
  std::string key = uuid.ToString();
  std::unique_lock<std::shared_mutex> l(mu_);
  auto it = pipelines_.find(key);
  if (it == pipelines_.end()) {
    return std::optional<ScmError>(
        Error(FAILED_TO_FIND_PIPELINE, "Pipeline " + key + " not found"));
  }
  hdds::PipelineState from = it->second.state();
  if (from == state) return std::optional<ScmError>();
  if (!CanMove(from, state)) {
    return std::optional<ScmError>(
        Error(INVALID_PIPELINE_STATE, "Pipeline " + key + " cannot move from " +
                                          hdds::PipelineState_Name(from) + " to " +
                                          hdds::PipelineState_Name(state)));
  }
  it->second.set_state(state);
  table.PutInBatch(*ctx.batch, PipelineIdFromUuid(uuid), it->second);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return std::optional<ScmError>();
}

Result<std::optional<ScmError>> PipelineStateManager::ApplyRemove(ha::ApplyContext& ctx,
                                                                  const hdds::PipelineID& id) {
  OZ_ASSIGN_OR_RETURN(PipelineTable table, PipelineTable::Open(*ctx.db, kPipelines));
  Uuid uuid = PipelineIdToUuid(id);
  std::string key = uuid.ToString();
  std::unique_lock<std::shared_mutex> l(mu_);
  auto it = pipelines_.find(key);
  if (it == pipelines_.end()) {
    return std::optional<ScmError>(
        Error(FAILED_TO_FIND_PIPELINE, "Pipeline " + key + " not found"));
  }
  pipelines_.erase(it);
  table.DeleteInBatch(*ctx.batch, PipelineIdFromUuid(uuid));
  version_.fetch_add(1, std::memory_order_acq_rel);
  return std::optional<ScmError>();
}

Status PipelineStateManager::Reload(storage::DBStore& db) {
  OZ_ASSIGN_OR_RETURN(PipelineTable table, PipelineTable::Open(db, kPipelines));
  std::map<std::string, hdds::Pipeline> loaded;
  OZ_RETURN_IF_ERROR(table.ForEach({}, [&](const hdds::PipelineID& id, const hdds::Pipeline& p) {
    loaded.emplace(PipelineIdToUuid(id).ToString(), p);
    return true;
  }));
  std::unique_lock<std::shared_mutex> l(mu_);
  pipelines_ = std::move(loaded);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return Status::OK();
}

std::optional<hdds::Pipeline> PipelineStateManager::Get(const hdds::PipelineID& id) const {
  std::string key = PipelineIdToUuid(id).ToString();
  std::shared_lock<std::shared_mutex> l(mu_);
  auto it = pipelines_.find(key);
  if (it == pipelines_.end()) return std::nullopt;
  return it->second;
}

std::vector<hdds::Pipeline> PipelineStateManager::List(
    std::optional<hdds::ReplicationType> type, std::optional<hdds::ReplicationFactor> factor,
    std::optional<hdds::PipelineState> state) const {
  std::vector<hdds::Pipeline> out;
  std::shared_lock<std::shared_mutex> l(mu_);
  for (const auto& [key, p] : pipelines_) {
    if (type && p.type() != *type) continue;
    if (factor && p.factor() != *factor) continue;
    if (state && p.state() != *state) continue;
    out.push_back(p);
  }
  return out;
}

std::vector<hdds::Pipeline> PipelineStateManager::PipelinesOf(
    const std::string& datanode_uuid) const {
  std::vector<hdds::Pipeline> out;
  std::shared_lock<std::shared_mutex> l(mu_);
  for (const auto& [key, p] : pipelines_) {
    for (const auto& m : p.members()) {
      if (DatanodeUuid(m) == datanode_uuid) {
        out.push_back(p);
        break;
      }
    }
  }
  return out;
}

size_t PipelineStateManager::Count() const {
  std::shared_lock<std::shared_mutex> l(mu_);
  return pipelines_.size();
}

}  // namespace ozone::scm
