#include "scm/pipeline/pipeline_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/uuid.h"
#include "scm/container/container_manager.h"
#include "scm/metadata/scm_codecs.h"
#include "scm/node/datanode_details.h"

namespace ozone::scm {

namespace {

std::string Key(const hdds::PipelineID& id) { return PipelineIdToUuid(id).ToString(); }

std::string ReplicationName(hdds::ReplicationType type, hdds::ReplicationFactor factor) {
  return hdds::ReplicationType_Name(type) + "/" + hdds::ReplicationFactor_Name(factor);
}

}  // namespace

PipelineManager::PipelineManager(PipelineManagerOptions options, PipelineStateManager* state,
                                 NodeManager* nodes, ScmRequests* requests,
                                 const ha::HaContext* context, const Clock* clock)
    : options_(options),
      state_(state),
      nodes_(nodes),
      requests_(requests),
      context_(context),
      clock_(clock) {}

Status PipelineManager::SendPipelineCommand(const std::string& datanode_uuid,
                                            SCMCommandProto command) {
  OZ_ASSIGN_OR_RETURN(Term term, context_->TermOfLeader());
  command.set_cmdid(nodes_->NextCommandId());
  command.set_term(static_cast<int64_t>(term.value()));
  nodes_->AddCommand(datanode_uuid, std::move(command));
  return Status::OK();
}

Result<hdds::Pipeline> PipelineManager::CreatePipeline(hdds::ReplicationType type,
                                                       hdds::ReplicationFactor factor) {
  OZ_RETURN_IF_ERROR(context_->TermOfLeader().status());
  if (type != hdds::RATIS) {
    return ScmStatus(
        NOT_SUPPORTED_OPERATION,
        "Pipelines of type " + hdds::ReplicationType_Name(type) + " are not supported");
  }
  if (factor != hdds::ONE && factor != hdds::THREE) {
    return ScmStatus(INVALID_ARGUMENT,
                     "Invalid replication factor " + hdds::ReplicationFactor_Name(factor));
  }
  const size_t needed = factor == hdds::THREE ? 3 : 1;

  std::lock_guard<std::mutex> create(create_mu_);
  // Engagement of each datanode in the pipelines that are not closed.
  std::map<std::string, int> engaged;     // RATIS/THREE pipelines
  std::set<std::string> with_factor_one;  // datanodes with a RATIS/ONE pipeline
  for (const hdds::Pipeline& p : state_->List(hdds::RATIS)) {
    if (p.state() == hdds::PIPELINE_CLOSED) continue;
    for (const auto& m : p.members()) {
      if (p.factor() == hdds::THREE) ++engaged[DatanodeUuid(m)];
      if (p.factor() == hdds::ONE) with_factor_one.insert(DatanodeUuid(m));
    }
  }
  struct Candidate {
    int engagement;
    std::string uuid;
    hdds::DatanodeDetailsProto details;
  };
  std::vector<Candidate> candidates;
  std::vector<hdds::DatanodeDetailsProto> healthy = nodes_->Healthy();
  for (auto& d : healthy) {
    std::string uuid = DatanodeUuid(d);
    int e = engaged.contains(uuid) ? engaged[uuid] : 0;
    if (factor == hdds::THREE && e >= options_.max_pipelines_per_datanode) continue;
    if (factor == hdds::ONE && with_factor_one.contains(uuid)) continue;
    candidates.push_back({e, std::move(uuid), std::move(d)});
  }
  if (candidates.size() < needed) {
    return ScmStatus(FAILED_TO_FIND_SUITABLE_NODE,
                     "Cannot create a " + ReplicationName(type, factor) +
                         " pipeline: " + std::to_string(candidates.size()) + " of " +
                         std::to_string(healthy.size()) + " healthy datanodes can take one more, " +
                         std::to_string(needed) + " needed");
  }
  std::stable_sort(
      candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return a.engagement != b.engagement ? a.engagement < b.engagement : a.uuid < b.uuid;
      });
  hdds::Pipeline pipeline;
  Uuid id = Uuid::Random();
  *pipeline.mutable_id() = PipelineIdFromUuid(id);
  pipeline.set_state(hdds::PIPELINE_ALLOCATED);
  pipeline.set_type(type);
  pipeline.set_factor(factor);
  pipeline.set_creationtimestamp(static_cast<uint64_t>(clock_->WallMillis()));
  for (size_t i = 0; i < needed; ++i) {
    *pipeline.add_members() = candidates[i].details;
    pipeline.add_memberorders(static_cast<uint32_t>(i));
  }
  if (auto leader = Uuid::Parse(candidates[0].uuid)) {
    pipeline.mutable_suggestedleaderid()->set_mostsigbits(
        static_cast<int64_t>(leader->most_significant_bits()));
    pipeline.mutable_suggestedleaderid()->set_leastsigbits(
        static_cast<int64_t>(leader->least_significant_bits()));
  }
  OZ_RETURN_IF_ERROR(requests_->AddPipeline(pipeline));
  spdlog::info("created pipeline {} ({}) on {}", id.ToString(), ReplicationName(type, factor), [&] {
    std::string s;
    for (size_t i = 0; i < needed; ++i) s += (i ? "," : "") + candidates[i].uuid;
    return s;
  }());
  for (size_t i = 0; i < needed; ++i) {
    SCMCommandProto command;
    command.set_commandtype(SCMCommandProto::createPipelineCommand);
    auto* create_cmd = command.mutable_createpipelinecommandproto();
    *create_cmd->mutable_pipelineid() = pipeline.id();
    create_cmd->set_type(type);
    create_cmd->set_factor(factor);
    for (const auto& m : pipeline.members()) *create_cmd->add_datanode() = m;
    Status sent = SendPipelineCommand(candidates[i].uuid, std::move(command));
    if (!sent.ok()) return sent;
  }
  return pipeline;
}

Status PipelineManager::ClosePipeline(const hdds::PipelineID& id) {
  OZ_RETURN_IF_ERROR(context_->TermOfLeader().status());
  std::optional<hdds::Pipeline> pipeline = state_->Get(id);
  if (!pipeline) return ScmStatus(FAILED_TO_FIND_PIPELINE, "Pipeline " + Key(id) + " not found");
  if (containers_ != nullptr) {
    for (const auto& c : containers_->state().OpenContainersOf(id)) {
      Status closed = containers_->CloseContainer(c.containerid());
      if (!closed.ok()) {
        spdlog::warn("closing pipeline {}: container #{}: {}", Key(id), c.containerid(),
                     closed.ToString());
        if (closed.IsNotLeader()) return closed;
      }
    }
  }
  if (pipeline->state() != hdds::PIPELINE_CLOSED) {
    OZ_RETURN_IF_ERROR(requests_->UpdatePipelineState(id, hdds::PIPELINE_CLOSED));
  }
  for (const auto& m : pipeline->members()) {
    SCMCommandProto command;
    command.set_commandtype(SCMCommandProto::closePipelineCommand);
    *command.mutable_closepipelinecommandproto()->mutable_pipelineid() = pipeline->id();
    OZ_RETURN_IF_ERROR(SendPipelineCommand(DatanodeUuid(m), std::move(command)));
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    reported_.erase(Key(id));
    if (leaders_.erase(Key(id)) > 0) ++leader_changes_;
  }
  spdlog::info("closed pipeline {}", Key(id));
  return Status::OK();
}

void PipelineManager::ProcessPipelineReport(const std::string& datanode_uuid,
                                            const PipelineReportsProto& report) {
  std::vector<hdds::PipelineID> ids;
  {
    std::lock_guard<std::mutex> l(mu_);
    std::set<std::string> in_report;
    for (const auto& r : report.pipelinereport()) {
      std::string key = Key(r.pipelineid());
      in_report.insert(key);
      reported_[key].insert(datanode_uuid);
      ids.push_back(r.pipelineid());
      if (r.isleader()) {
        auto [it, inserted] = leaders_.try_emplace(key, datanode_uuid);
        if (inserted || it->second != datanode_uuid) {
          it->second = datanode_uuid;
          ++leader_changes_;
        }
      } else {
        auto it = leaders_.find(key);
        if (it != leaders_.end() && it->second == datanode_uuid) {
          leaders_.erase(it);
          ++leader_changes_;
        }
      }
    }
    // The report is full: the datanode no longer has the pipelines it does not list.
    for (auto it = reported_.begin(); it != reported_.end();) {
      if (!in_report.contains(it->first)) it->second.erase(datanode_uuid);
      it = it->second.empty() ? reported_.erase(it) : std::next(it);
    }
  }
  if (!context_->IsLeaderReady()) return;
  for (const auto& id : ids) {
    std::optional<hdds::Pipeline> pipeline = state_->Get(id);
    if (!pipeline) {
      SCMCommandProto command;
      command.set_commandtype(SCMCommandProto::closePipelineCommand);
      *command.mutable_closepipelinecommandproto()->mutable_pipelineid() = id;
      Status sent = SendPipelineCommand(datanode_uuid, std::move(command));
      if (!sent.ok()) return;
      continue;
    }
    if (pipeline->state() != hdds::PIPELINE_ALLOCATED) continue;
    bool all_reported = true;
    {
      std::lock_guard<std::mutex> l(mu_);
      auto it = reported_.find(Key(id));
      for (const auto& m : pipeline->members()) {
        all_reported =
            all_reported && it != reported_.end() && it->second.contains(DatanodeUuid(m));
      }
    }
    if (!all_reported) continue;
    Status opened = requests_->UpdatePipelineState(id, hdds::PIPELINE_OPEN);
    if (opened.ok()) {
      spdlog::info("opened pipeline {}: every member reported it", Key(id));
    } else {
      spdlog::warn("cannot open pipeline {}: {}", Key(id), opened.ToString());
      if (opened.IsNotLeader()) return;
    }
  }
}

void PipelineManager::CreateAsManyAsPossible() {
  if (!context_->IsLeaderReady()) return;
  // Pipelines with a dead member cannot serve writes any more (Ozone's DeadNodeHandler).
  for (const hdds::Pipeline& p : state_->List()) {
    if (p.state() == hdds::PIPELINE_CLOSED) continue;
    bool dead = false;
    for (const auto& m : p.members()) {
      std::optional<NodeStatus> node = nodes_->Get(DatanodeUuid(m));
      dead = dead || (node && node->health == NodeHealth::kDead);
    }
    if (!dead) continue;
    Status closed = ClosePipeline(p.id());
    if (!closed.ok()) {
      spdlog::warn("cannot close pipeline {} with a dead member: {}", Key(p.id()),
                   closed.ToString());
      if (closed.IsNotLeader()) return;
    }
  }
  const size_t limit = nodes_->CountRegistered() *
                       static_cast<size_t>(std::max(1, options_.max_pipelines_per_datanode) + 1);
  std::vector<hdds::ReplicationFactor> factors;
  if (options_.create_factor_one) factors.push_back(hdds::ONE);
  factors.push_back(hdds::THREE);
  for (hdds::ReplicationFactor factor : factors) {
    for (size_t i = 0; i < limit; ++i) {
      Result<hdds::Pipeline> created = CreatePipeline(hdds::RATIS, factor);
      if (!created.ok()) {
        if (!created.status().IsNotFound()) {
          spdlog::warn("pipeline creation: {}", created.status().ToString());
        }
        break;
      }
    }
  }
}

hdds::Pipeline PipelineManager::WithLeaderLocked(hdds::Pipeline pipeline) const {
  auto it = leaders_.find(Key(pipeline.id()));
  if (it != leaders_.end()) {
    pipeline.set_leaderid(it->second);
    if (auto uuid = Uuid::Parse(it->second)) {
      pipeline.mutable_leaderid128()->set_mostsigbits(
          static_cast<int64_t>(uuid->most_significant_bits()));
      pipeline.mutable_leaderid128()->set_leastsigbits(
          static_cast<int64_t>(uuid->least_significant_bits()));
    }
  }
  return pipeline;
}

std::optional<hdds::Pipeline> PipelineManager::Get(const hdds::PipelineID& id) const {
  std::optional<hdds::Pipeline> pipeline = state_->Get(id);
  if (!pipeline) return std::nullopt;
  std::lock_guard<std::mutex> l(mu_);
  return WithLeaderLocked(std::move(*pipeline));
}

std::vector<hdds::Pipeline> PipelineManager::OpenPipelines(hdds::ReplicationType type,
                                                           hdds::ReplicationFactor factor) const {
  std::vector<hdds::Pipeline> pipelines = state_->List(type, factor, hdds::PIPELINE_OPEN);
  std::lock_guard<std::mutex> l(mu_);
  for (auto& p : pipelines) p = WithLeaderLocked(std::move(p));
  return pipelines;
}

uint64_t PipelineManager::version() const {
  return state_->version() + leader_changes_.load(std::memory_order_acquire);
}

size_t PipelineManager::CountFullyReported() const {
  std::vector<hdds::Pipeline> pipelines =
      state_->List(hdds::RATIS, hdds::THREE, hdds::PIPELINE_OPEN);
  std::lock_guard<std::mutex> l(mu_);
  size_t n = 0;
  for (const auto& p : pipelines) {
    auto it = reported_.find(Key(p.id()));
    if (it == reported_.end()) continue;
    bool all = true;
    for (const auto& m : p.members()) all = all && it->second.contains(DatanodeUuid(m));
    n += all;
  }
  return n;
}

size_t PipelineManager::CountWithOneReported() const {
  std::vector<hdds::Pipeline> pipelines =
      state_->List(hdds::RATIS, hdds::THREE, hdds::PIPELINE_OPEN);
  std::lock_guard<std::mutex> l(mu_);
  size_t n = 0;
  for (const auto& p : pipelines) {
    auto it = reported_.find(Key(p.id()));
    if (it == reported_.end()) continue;
    bool any = false;
    for (const auto& m : p.members()) any = any || it->second.contains(DatanodeUuid(m));
    n += any;
  }
  return n;
}

std::shared_ptr<ha::BackgroundService> MakeBackgroundPipelineCreator(
    PipelineManager* pipelines, const ha::HaContext* context, std::chrono::milliseconds interval) {
  ha::BackgroundServiceOptions options;
  options.name = "BackgroundPipelineCreator";
  options.interval = interval;
  options.run_in_safe_mode = true;
  return std::make_shared<ha::BackgroundService>(
      std::move(options), context, [pipelines] { pipelines->CreateAsManyAsPossible(); });
}

}  // namespace ozone::scm
