#include "scm/container/container_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "scm/metadata/scm_codecs.h"
#include "scm/node/datanode_details.h"

namespace ozone::scm {

namespace {

std::string Name(int64_t id) { return "Container #" + std::to_string(id); }

ContainerReplica ReplicaFrom(const std::string& datanode_uuid, const ContainerReplicaProto& r) {
  ContainerReplica replica;
  replica.datanode_uuid = datanode_uuid;
  replica.state = r.state();
  replica.key_count = r.keycount();
  replica.used = r.used();
  replica.sequence_id = r.blockcommitsequenceid();
  return replica;
}

}  // namespace

ContainerManager::ContainerManager(ContainerManagerOptions options, ContainerStateManager* state,
                                   PipelineStateManager* pipelines, NodeManager* nodes,
                                   ha::SequenceIdGenerator* ids, ScmRequests* requests,
                                   const ha::HaContext* context, const Clock* clock)
    : options_(options),
      state_(state),
      pipelines_(pipelines),
      nodes_(nodes),
      ids_(ids),
      requests_(requests),
      context_(context),
      clock_(clock) {}

Result<hdds::ContainerInfoProto> ContainerManager::AllocateContainer(const hdds::Pipeline& pipeline,
                                                                     const std::string& owner) {
  OZ_RETURN_IF_ERROR(context_->TermOfLeader().status());
  OZ_ASSIGN_OR_RETURN(uint64_t id, ids_->GetNextId(ha::kContainerId));
  hdds::ContainerInfoProto info;
  info.set_containerid(static_cast<int64_t>(id));
  info.set_state(hdds::OPEN);
  *info.mutable_pipelineid() = pipeline.id();
  info.set_usedbytes(0);
  info.set_numberofkeys(0);
  info.set_stateentertime(clock_->WallMillis());
  info.set_owner(owner);
  info.set_deletetransactionid(0);
  info.set_sequenceid(0);
  info.set_replicationtype(pipeline.type());
  info.set_replicationfactor(pipeline.factor());
  OZ_RETURN_IF_ERROR(requests_->AddContainer(info));
  return info;
}

Status ContainerManager::UpdateState(int64_t container_id, LifeCycleEvent event) {
  OZ_RETURN_IF_ERROR(context_->TermOfLeader().status());
  return requests_->UpdateContainerState(container_id, event);
}

Status ContainerManager::CloseContainer(int64_t container_id) {
  OZ_RETURN_IF_ERROR(context_->TermOfLeader().status());
  std::optional<hdds::ContainerInfoProto> info = state_->Get(container_id);
  if (!info) return ScmStatus(FAILED_TO_FIND_CONTAINER, Name(container_id) + " not found");
  if (info->state() == hdds::OPEN) {
    Status finalized = requests_->UpdateContainerState(container_id, FINALIZE);
    // Someone else may have finalized it meanwhile: look again.
    if (!finalized.ok() && ScmCodeOf(finalized) != UNEXPECTED_CONTAINER_STATE) return finalized;
    info = state_->Get(container_id);
    if (!info) return ScmStatus(FAILED_TO_FIND_CONTAINER, Name(container_id) + " not found");
  }
  if (info->state() != hdds::CLOSING) {
    return ScmStatus(UNEXPECTED_CONTAINER_STATE, "Cannot close " + Name(container_id) +
                                                     " in state " +
                                                     hdds::LifeCycleState_Name(info->state()));
  }
  return SendCloseCommands(*info);
}

Status ContainerManager::SendCloseCommands(const hdds::ContainerInfoProto& info) {
  OZ_ASSIGN_OR_RETURN(Term term, context_->TermOfLeader());
  std::set<std::string> targets;
  if (info.has_pipelineid()) {
    if (std::optional<hdds::Pipeline> p = pipelines_->Get(info.pipelineid())) {
      for (const auto& m : p->members()) targets.insert(DatanodeUuid(m));
    }
  }
  for (const auto& r : Replicas(info.containerid())) targets.insert(r.datanode_uuid);
  for (const std::string& uuid : targets) {
    SCMCommandProto command;
    command.set_commandtype(SCMCommandProto::closeContainerCommand);
    command.set_cmdid(nodes_->NextCommandId());
    command.set_term(static_cast<int64_t>(term.value()));
    auto* close = command.mutable_closecontainercommandproto();
    close->set_containerid(info.containerid());
    *close->mutable_pipelineid() = info.pipelineid();
    close->set_force(false);
    nodes_->AddCommand(uuid, std::move(command));
  }
  return Status::OK();
}

std::optional<hdds::ContainerInfoProto> ContainerManager::Get(int64_t container_id) const {
  return state_->Get(container_id);
}

std::vector<ContainerReplica> ContainerManager::Replicas(int64_t container_id) const {
  std::vector<ContainerReplica> out;
  std::lock_guard<std::mutex> l(mu_);
  auto it = replicas_.find(container_id);
  if (it == replicas_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& [uuid, replica] : it->second) out.push_back(replica);
  return out;
}

void ContainerManager::ProcessContainerReport(const std::string& datanode_uuid,
                                              const ContainerReportsProto& report) {
  std::set<int64_t> reported;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& r : report.reports()) {
      if (r.state() == REPLICA_DELETED) continue;
      reported.insert(r.containerid());
      replicas_[r.containerid()][datanode_uuid] = ReplicaFrom(datanode_uuid, r);
    }
    // A full report: the datanode has no other replica.
    std::set<int64_t>& had = containers_of_node_[datanode_uuid];
    for (int64_t id : had) {
      if (reported.contains(id)) continue;
      auto it = replicas_.find(id);
      if (it == replicas_.end()) continue;
      it->second.erase(datanode_uuid);
      if (it->second.empty()) replicas_.erase(it);
    }
    had = reported;
  }
  ReconcileOnLeader(reported);
}

void ContainerManager::ProcessIncrementalReport(const std::string& datanode_uuid,
                                                const IncrementalContainerReportProto& report) {
  std::set<int64_t> touched;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& r : report.report()) {
      const int64_t id = r.containerid();
      if (r.state() == REPLICA_DELETED) {
        auto it = replicas_.find(id);
        if (it != replicas_.end()) {
          it->second.erase(datanode_uuid);
          if (it->second.empty()) replicas_.erase(it);
        }
        containers_of_node_[datanode_uuid].erase(id);
        continue;
      }
      replicas_[id][datanode_uuid] = ReplicaFrom(datanode_uuid, r);
      containers_of_node_[datanode_uuid].insert(id);
      touched.insert(id);
    }
  }
  ReconcileOnLeader(touched);
}

void ContainerManager::ReconcileOnLeader(const std::set<int64_t>& ids) {
  if (ids.empty() || !context_->IsLeaderReady()) return;
  for (int64_t id : ids) {
    std::optional<hdds::ContainerInfoProto> info = state_->Get(id);
    if (!info) continue;
    std::vector<ContainerReplica> replicas = Replicas(id);
    if (replicas.empty()) continue;
    auto any = [&](ContainerReplicaState s) {
      return std::any_of(replicas.begin(), replicas.end(),
                         [s](const ContainerReplica& r) { return r.state == s; });
    };
    // Lifecycle: what the replicas say moves the container forward.
    std::vector<LifeCycleEvent> events;
    hdds::LifeCycleState state = info->state();
    if (state == hdds::OPEN &&
        (any(REPLICA_CLOSING) || any(REPLICA_QUASI_CLOSED) || any(REPLICA_CLOSED))) {
      events.push_back(FINALIZE);
      state = hdds::CLOSING;
    }
    if (state == hdds::CLOSING && any(REPLICA_CLOSED)) {
      events.push_back(CLOSE);
    } else if (state == hdds::CLOSING && any(REPLICA_QUASI_CLOSED)) {
      events.push_back(QUASI_CLOSE);
    } else if (state == hdds::QUASI_CLOSED && any(REPLICA_CLOSED)) {
      events.push_back(FORCE_CLOSE);
    }
    for (LifeCycleEvent event : events) {
      Status s = requests_->UpdateContainerState(id, event);
      if (!s.ok()) {
        spdlog::info("{}: {} from replica reports: {}", Name(id), LifeCycleEvent_Name(event),
                     s.ToString());
        if (s.IsNotLeader()) return;
        break;
      }
    }
    // Statistics: the largest the replicas report.
    uint64_t used = 0, keys = 0;
    int64_t sequence_id = 0;
    for (const auto& r : replicas) {
      if (r.state == REPLICA_UNHEALTHY || r.state == REPLICA_INVALID) continue;
      used = std::max(used, r.used);
      keys = std::max(keys, r.key_count);
      sequence_id = std::max(sequence_id, r.sequence_id);
    }
    if (used != info->usedbytes() || keys != info->numberofkeys() ||
        sequence_id > info->sequenceid()) {
      hdds::ContainerInfoProto update = *info;
      update.set_usedbytes(used);
      update.set_numberofkeys(keys);
      update.set_sequenceid(std::max(sequence_id, info->sequenceid()));
      Status s = requests_->UpdateContainerInfo(update);
      if (!s.ok()) {
        spdlog::info("{}: updating its statistics: {}", Name(id), s.ToString());
        if (s.IsNotLeader()) return;
      }
    }
  }
}

size_t ContainerManager::CountWithReportedReplica() const {
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> l(mu_);
    ids.reserve(replicas_.size());
    for (const auto& [id, replicas] : replicas_) ids.push_back(id);
  }
  size_t n = 0;
  for (int64_t id : ids) n += state_->Get(id).has_value();
  return n;
}

size_t ContainerManager::ContainersOn(const std::string& datanode_uuid) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = containers_of_node_.find(datanode_uuid);
  return it == containers_of_node_.end() ? 0 : it->second.size();
}

}  // namespace ozone::scm
