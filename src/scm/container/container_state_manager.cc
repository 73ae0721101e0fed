#include "scm/container/container_state_manager.h"

#include <mutex>

#include "scm/metadata/scm_db_definition.h"
#include "storage/table.h"

namespace ozone::scm {

namespace {

using ContainerTable = storage::Table<ContainerIdCodec, ProtoCodec<hdds::ContainerInfoProto>>;

ScmError Error(ScmResultCode code, std::string message) {
  ScmError e;
  e.set_code(code);
  e.set_message(std::move(message));
  return e;
}

std::string PipelineKey(const hdds::PipelineID& id) { return PipelineIdToUuid(id).ToString(); }

std::string NotFound(int64_t id) { return "Container #" + std::to_string(id) + " not found"; }

}  // namespace

std::optional<hdds::LifeCycleState> NextState(hdds::LifeCycleState from, LifeCycleEvent event) {
  switch (event) {
    case FINALIZE:
      if (from == hdds::OPEN) return hdds::CLOSING;
      break;
    case QUASI_CLOSE:
      if (from == hdds::CLOSING) return hdds::QUASI_CLOSED;
      break;
    case CLOSE:
      if (from == hdds::CLOSING || from == hdds::QUASI_CLOSED) return hdds::CLOSED;
      break;
    case FORCE_CLOSE:
      if (from == hdds::QUASI_CLOSED) return hdds::CLOSED;
      break;
    case DELETE:
      if (from == hdds::CLOSED) return hdds::DELETING;
      break;
    case CLEANUP:
      if (from == hdds::DELETING) return hdds::DELETED;
      break;
  }
  return std::nullopt;
}

void ContainerStateManager::IndexLocked(const hdds::ContainerInfoProto& info) {
  ++count_by_state_[info.state()];
  if (info.state() == hdds::OPEN && info.has_pipelineid()) {
    open_by_pipeline_[PipelineKey(info.pipelineid())].insert(info.containerid());
  }
}

void ContainerStateManager::UnindexLocked(const hdds::ContainerInfoProto& info) {
  auto count = count_by_state_.find(info.state());
  if (count != count_by_state_.end() && --count->second == 0) count_by_state_.erase(count);
  if (info.state() == hdds::OPEN && info.has_pipelineid()) {
    auto it = open_by_pipeline_.find(PipelineKey(info.pipelineid()));
    if (it != open_by_pipeline_.end()) {
      it->second.erase(info.containerid());
      if (it->second.empty()) open_by_pipeline_.erase(it);
    }
  }
}

Result<std::optional<ScmError>> ContainerStateManager::ApplyAdd(
    ha::ApplyContext& ctx, const hdds::ContainerInfoProto& info) {
  OZ_ASSIGN_OR_RETURN(ContainerTable table, ContainerTable::Open(*ctx.db, kContainers));
  const int64_t id = info.containerid();
  if (id <= 0) {
    return std::optional<ScmError>(
        Error(INVALID_ARGUMENT, "Invalid container id " + std::to_string(id)));
  }
  std::unique_lock<std::shared_mutex> l(mu_);
  if (containers_.contains(id)) {
    return std::optional<ScmError>(
        Error(CONTAINER_EXISTS, "Container #" + std::to_string(id) + " already exists"));
  }
  table.PutInBatch(*ctx.batch, static_cast<uint64_t>(id), info);
  auto [it, inserted] = containers_.emplace(id, info);
  IndexLocked(it->second);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return std::optional<ScmError>();
}

Result<std::optional<ScmError>> ContainerStateManager::ApplyUpdateState(ha::ApplyContext& ctx,
                                                                        int64_t container_id,
                                                                        LifeCycleEvent event) {
  OZ_ASSIGN_OR_RETURN(ContainerTable table, ContainerTable::Open(*ctx.db, kContainers));
  std::unique_lock<std::shared_mutex> l(mu_);
  auto it = containers_.find(container_id);
  if (it == containers_.end()) {
    return std::optional<ScmError>(Error(FAILED_TO_FIND_CONTAINER, NotFound(container_id)));
  }
  std::optional<hdds::LifeCycleState> next = NextState(it->second.state(), event);
  if (!next) {
    return std::optional<ScmError>(Error(
        UNEXPECTED_CONTAINER_STATE, "Container #" + std::to_string(container_id) + ": event " +
                                        LifeCycleEvent_Name(event) + " does not apply in state " +
                                        hdds::LifeCycleState_Name(it->second.state())));
  }
  UnindexLocked(it->second);
  it->second.set_state(*next);
  IndexLocked(it->second);
  table.PutInBatch(*ctx.batch, static_cast<uint64_t>(container_id), it->second);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return std::optional<ScmError>();
}

Result<std::optional<ScmError>> ContainerStateManager::ApplyUpdateInfo(
    ha::ApplyContext& ctx, const hdds::ContainerInfoProto& info) {
  OZ_ASSIGN_OR_RETURN(ContainerTable table, ContainerTable::Open(*ctx.db, kContainers));
  std::unique_lock<std::shared_mutex> l(mu_);
  auto it = containers_.find(info.containerid());
  if (it == containers_.end()) {
    return std::optional<ScmError>(Error(FAILED_TO_FIND_CONTAINER, NotFound(info.containerid())));
  }
  hdds::ContainerInfoProto& c = it->second;
  c.set_usedbytes(info.usedbytes());
  c.set_numberofkeys(info.numberofkeys());
  if (info.has_sequenceid()) c.set_sequenceid(info.sequenceid());
  if (info.has_deletetransactionid()) c.set_deletetransactionid(info.deletetransactionid());
  table.PutInBatch(*ctx.batch, static_cast<uint64_t>(c.containerid()), c);
  return std::optional<ScmError>();
}

Result<std::optional<ScmError>> ContainerStateManager::ApplyRemove(ha::ApplyContext& ctx,
                                                                   int64_t container_id) {
  OZ_ASSIGN_OR_RETURN(ContainerTable table, ContainerTable::Open(*ctx.db, kContainers));
  std::unique_lock<std::shared_mutex> l(mu_);
  auto it = containers_.find(container_id);
  if (it == containers_.end()) {
    return std::optional<ScmError>(Error(FAILED_TO_FIND_CONTAINER, NotFound(container_id)));
  }
  UnindexLocked(it->second);
  containers_.erase(it);
  table.DeleteInBatch(*ctx.batch, static_cast<uint64_t>(container_id));
  version_.fetch_add(1, std::memory_order_acq_rel);
  return std::optional<ScmError>();
}

Status ContainerStateManager::Reload(storage::DBStore& db) {
  OZ_ASSIGN_OR_RETURN(ContainerTable table, ContainerTable::Open(db, kContainers));
  std::map<int64_t, hdds::ContainerInfoProto> loaded;
  OZ_RETURN_IF_ERROR(table.ForEach({}, [&](const uint64_t& id, const hdds::ContainerInfoProto& c) {
    loaded.emplace(static_cast<int64_t>(id), c);
    return true;
  }));
  std::unique_lock<std::shared_mutex> l(mu_);
  containers_ = std::move(loaded);
  open_by_pipeline_.clear();
  count_by_state_.clear();
  for (const auto& [id, c] : containers_) IndexLocked(c);
  version_.fetch_add(1, std::memory_order_acq_rel);
  return Status::OK();
}

std::optional<hdds::ContainerInfoProto> ContainerStateManager::Get(int64_t container_id) const {
  std::shared_lock<std::shared_mutex> l(mu_);
  auto it = containers_.find(container_id);
  if (it == containers_.end()) return std::nullopt;
  return it->second;
}

std::vector<hdds::ContainerInfoProto> ContainerStateManager::List(
    int64_t start, size_t count, std::optional<hdds::LifeCycleState> state,
    std::optional<hdds::ReplicationType> type,
    std::optional<hdds::ReplicationFactor> factor) const {
  std::vector<hdds::ContainerInfoProto> out;
  std::shared_lock<std::shared_mutex> l(mu_);
  for (auto it = containers_.lower_bound(start); it != containers_.end() && out.size() < count;
       ++it) {
    const hdds::ContainerInfoProto& c = it->second;
    if (state && c.state() != *state) continue;
    if (type && c.replicationtype() != *type) continue;
    if (factor && c.replicationfactor() != *factor) continue;
    out.push_back(c);
  }
  return out;
}

std::vector<hdds::ContainerInfoProto> ContainerStateManager::OpenContainersOf(
    const hdds::PipelineID& pipeline) const {
  std::vector<hdds::ContainerInfoProto> out;
  std::shared_lock<std::shared_mutex> l(mu_);
  auto it = open_by_pipeline_.find(PipelineKey(pipeline));
  if (it == open_by_pipeline_.end()) return out;
  out.reserve(it->second.size());
  for (int64_t id : it->second) out.push_back(containers_.at(id));
  return out;
}

size_t ContainerStateManager::Count() const {
  std::shared_lock<std::shared_mutex> l(mu_);
  return containers_.size();
}

size_t ContainerStateManager::CountInState(hdds::LifeCycleState state) const {
  std::shared_lock<std::shared_mutex> l(mu_);
  auto it = count_by_state_.find(state);
  return it == count_by_state_.end() ? 0 : it->second;
}

}  // namespace ozone::scm
