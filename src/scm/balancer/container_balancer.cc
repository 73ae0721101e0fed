#include "scm/balancer/container_balancer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "scm/ha/scm_requests.h"
#include "scm/node/datanode_details.h"

namespace ozone::scm {

namespace {

// Ozone's ContainerBalancerConfiguration defaults.
constexpr char kDefaultThreshold[] = "10";
constexpr int kDefaultIterations = 10;
constexpr int kDefaultDatanodesPercentage = 20;
constexpr int64_t kDefaultSizeMovedMax = int64_t{500} << 30;
constexpr int64_t kDefaultSizeEnteringTargetMax = int64_t{26} << 30;
constexpr int64_t kDefaultSizeLeavingSourceMax = int64_t{26} << 30;
constexpr int64_t kDefaultIterationIntervalMillis = 70 * 60 * 1000;

struct Usage {
  std::string uuid;
  hdds::DatanodeDetailsProto details;
  uint64_t capacity = 0;
  uint64_t used = 0;
  double utilization() const {
    return capacity == 0 ? 0.0 : static_cast<double>(used) / static_cast<double>(capacity);
  }
};

}  // namespace

ContainerBalancer::ContainerBalancer(ha::ServiceConfigStore* store, const ha::HaContext* context,
                                     ContainerManager* containers, NodeManager* nodes)
    : store_(store), context_(context), containers_(containers), nodes_(nodes) {}

ContainerBalancer::~ContainerBalancer() { Stop(); }

Result<std::optional<ContainerBalancerConfigurationProto>> ContainerBalancer::ReadConfiguration()
    const {
  OZ_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_->Read(kContainerBalancerService));
  if (!bytes) return std::optional<ContainerBalancerConfigurationProto>();
  ContainerBalancerConfigurationProto config;
  if (!config.ParseFromString(*bytes)) {
    return Status::Corruption("the stored ContainerBalancer configuration does not decode");
  }
  return std::optional<ContainerBalancerConfigurationProto>(std::move(config));
}

Status ContainerBalancer::StartBalancer(ContainerBalancerConfigurationProto config) {
  OZ_RETURN_IF_ERROR(context_->TermOfLeader().status());
  if (!context_->IsLeaderReady()) return ScmStatus(SCM_NOT_LEADER, "the leader is not ready yet");
  if (context_->IsInSafeMode()) {
    return ScmStatus(SAFE_MODE_EXCEPTION, "Cannot start ContainerBalancer in safe mode");
  }
  if (!config.has_utilizationthreshold()) config.set_utilizationthreshold(kDefaultThreshold);
  char* end = nullptr;
  const double threshold = std::strtod(config.utilizationthreshold().c_str(), &end);
  if (end == config.utilizationthreshold().c_str() || *end != '\0' || threshold < 0 ||
      threshold >= 100) {
    return Status::InvalidArgument("Threshold value should be in the range [0.0, 100.0), not '" +
                                   config.utilizationthreshold() + "'");
  }
  if (!config.has_iterations()) config.set_iterations(kDefaultIterations);
  if (config.iterations() == 0 || config.iterations() < -1) {
    return Status::InvalidArgument("Number of iterations should be positive or -1, not " +
                                   std::to_string(config.iterations()));
  }
  if (!config.has_datanodesinvolvedmaxpercentageperiteration()) {
    config.set_datanodesinvolvedmaxpercentageperiteration(kDefaultDatanodesPercentage);
  }
  if (config.datanodesinvolvedmaxpercentageperiteration() < 0 ||
      config.datanodesinvolvedmaxpercentageperiteration() > 100) {
    return Status::InvalidArgument("Max datanodes percentage should be in [0, 100]");
  }
  if (!config.has_sizemovedmaxperiteration()) {
    config.set_sizemovedmaxperiteration(kDefaultSizeMovedMax);
  }
  if (!config.has_sizeenteringtargetmax()) {
    config.set_sizeenteringtargetmax(kDefaultSizeEnteringTargetMax);
  }
  if (!config.has_sizeleavingsourcemax()) {
    config.set_sizeleavingsourcemax(kDefaultSizeLeavingSourceMax);
  }
  if (!config.has_balancingiterationinterval()) {
    config.set_balancingiterationinterval(kDefaultIterationIntervalMillis);
  }
  // The replicated Save runs without mu_ (NotifyStatusChanged, called where entries are applied,
  // must never wait for it); save_mu_ orders it with the task's own saves.
  std::lock_guard<std::mutex> saving(save_mu_);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (running_) return Status::FailedPrecondition("ContainerBalancer is already running");
  }
  config.set_shouldrun(true);
  config.set_nextiterationindex(0);
  OZ_RETURN_IF_ERROR(store_->Save(kContainerBalancerService, config.SerializeAsString()));
  std::lock_guard<std::mutex> l(mu_);
  iterations_completed_ = 0;
  if (!running_) StartLocked(std::move(config));  // else resumed meanwhile from what was saved
  return Status::OK();
}

Status ContainerBalancer::StopBalancer() {
  OZ_RETURN_IF_ERROR(context_->TermOfLeader().status());
  std::lock_guard<std::mutex> saving(save_mu_);
  OZ_ASSIGN_OR_RETURN(std::optional<ContainerBalancerConfigurationProto> config,
                      ReadConfiguration());
  ContainerBalancerConfigurationProto stopped =
      config.value_or(ContainerBalancerConfigurationProto());
  stopped.set_shouldrun(false);
  OZ_RETURN_IF_ERROR(store_->Save(kContainerBalancerService, stopped.SerializeAsString()));
  std::lock_guard<std::mutex> l(mu_);
  StopLocalTaskLocked();
  return Status::OK();
}

bool ContainerBalancer::IsRunning() const {
  std::lock_guard<std::mutex> l(mu_);
  return running_;
}

bool ContainerBalancer::WaitUntilStopped(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(mu_);
  return cv_.wait_for(l, timeout, [this] { return !running_; });
}

int ContainerBalancer::iterations_completed() const { return iterations_completed_.load(); }

bool ContainerBalancer::ShouldRun() const {
  if (!context_->IsLeaderReady() || context_->IsInSafeMode()) return false;
  Result<std::optional<ContainerBalancerConfigurationProto>> config = ReadConfiguration();
  return config.ok() && config->has_value() && (*config)->shouldrun();
}

void ContainerBalancer::NotifyStatusChanged() {
  std::lock_guard<std::mutex> l(mu_);
  if (!context_->IsLeaderReady() || context_->IsInSafeMode()) {
    if (running_) {
      spdlog::info("ContainerBalancer: stopping on this node (not leader or in safe mode)");
      StopLocalTaskLocked();
    }
    return;
  }
  if (running_) return;
  Result<std::optional<ContainerBalancerConfigurationProto>> config = ReadConfiguration();
  if (!config.ok()) {
    spdlog::warn("ContainerBalancer: cannot read its configuration: {}",
                 config.status().ToString());
    return;
  }
  if (!config->has_value() || !(*config)->shouldrun()) return;
  spdlog::info("ContainerBalancer: resuming at iteration {}", (*config)->nextiterationindex());
  StartLocked(std::move(**config));
}

void ContainerBalancer::Start() { NotifyStatusChanged(); }

void ContainerBalancer::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> l(mu_);
    StopLocalTaskLocked();
    if (thread_.joinable()) retired_.push_back(std::move(thread_));
    threads = std::move(retired_);
    retired_.clear();
  }
  for (auto& t : threads) t.join();
}

void ContainerBalancer::StartLocked(ContainerBalancerConfigurationProto config) {
  // A task stopped earlier may still be finishing a replicated request: it exits on its own
  // (its generation is old) and is joined later.
  if (thread_.joinable()) retired_.push_back(std::move(thread_));
  running_ = true;
  const uint64_t generation = ++generation_;
  thread_ = std::thread([this, config = std::move(config), generation]() mutable {
    Run(std::move(config), generation);
  });
}

void ContainerBalancer::StopLocalTaskLocked() {
  if (!running_) return;
  running_ = false;
  ++generation_;
  cv_.notify_all();
}

bool ContainerBalancer::IsCurrent(uint64_t generation) const {
  std::lock_guard<std::mutex> l(mu_);
  return running_ && generation_ == generation;
}

void ContainerBalancer::Run(ContainerBalancerConfigurationProto config, uint64_t generation) {
  const int iterations = config.iterations();
  for (int i = config.nextiterationindex(); iterations == -1 || i < iterations; ++i) {
    if (!IsCurrent(generation)) return;
    Balance(config);
    iterations_completed_.fetch_add(1);
    const bool last = iterations != -1 && i + 1 >= iterations;
    config.set_nextiterationindex(i + 1);
    config.set_shouldrun(!last);
    Status saved;
    {
      // A StopBalancer saved meanwhile must not be overwritten: check and save under save_mu_.
      std::lock_guard<std::mutex> saving(save_mu_);
      if (!IsCurrent(generation)) return;
      saved = store_->Save(kContainerBalancerService, config.SerializeAsString());
    }
    if (!saved.ok()) {
      spdlog::warn("ContainerBalancer: cannot save its progress, stopping here: {}",
                   saved.ToString());
      std::lock_guard<std::mutex> l(mu_);
      if (generation_ == generation) running_ = false;
      cv_.notify_all();
      return;
    }
    if (last) break;
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(config.balancingiterationinterval()),
                 [&] { return !running_ || generation_ != generation; });
  }
  std::lock_guard<std::mutex> l(mu_);
  if (generation_ == generation) {
    running_ = false;
    spdlog::info("ContainerBalancer: finished its {} iterations", iterations);
  }
  cv_.notify_all();
}

void ContainerBalancer::Balance(const ContainerBalancerConfigurationProto& config) {
  Result<Term> term = context_->TermOfLeader();
  if (!term.ok()) return;
  auto send = [&](const std::string& uuid, SCMCommandProto command) {
    command.set_cmdid(nodes_->NextCommandId());
    command.set_term(static_cast<int64_t>(term->value()));
    nodes_->AddCommand(uuid, std::move(command));
  };

  // Moves in progress: once the target holds a closed replica, the source's goes.
  std::map<int64_t, Move> moves;
  {
    std::lock_guard<std::mutex> l(mu_);
    moves = moves_;
  }
  std::set<int64_t> finished;
  for (const auto& [id, move] : moves) {
    bool at_target = false, at_source = false;
    for (const auto& r : containers_->Replicas(id)) {
      at_target = at_target || (r.datanode_uuid == move.target && r.state == REPLICA_CLOSED);
      at_source = at_source || r.datanode_uuid == move.source;
    }
    if (!at_target) continue;
    if (at_source) {
      SCMCommandProto command;
      command.set_commandtype(SCMCommandProto::deleteContainerCommand);
      command.mutable_deletecontainercommandproto()->set_containerid(id);
      send(move.source, std::move(command));
    }
    finished.insert(id);
  }

  // Utilization of the healthy datanodes.
  std::vector<Usage> usage;
  uint64_t capacity = 0, used = 0;
  for (const auto& node : nodes_->List()) {
    if (node.health != NodeHealth::kHealthy) continue;
    Usage u;
    u.uuid = DatanodeUuid(node.details);
    u.details = node.details;
    for (const auto& s : node.node_report.storagereport()) {
      if (s.failed()) continue;
      u.capacity += s.capacity();
      u.used += s.scmused();
    }
    if (u.capacity == 0) continue;
    capacity += u.capacity;
    used += u.used;
    usage.push_back(std::move(u));
  }
  if (usage.size() < 2 || capacity == 0) {
    std::lock_guard<std::mutex> l(mu_);
    for (int64_t id : finished) moves_.erase(id);
    return;
  }
  const double average = static_cast<double>(used) / static_cast<double>(capacity);
  const double threshold = std::strtod(config.utilizationthreshold().c_str(), nullptr) / 100.0;
  std::vector<Usage*> sources, targets;
  for (auto& u : usage) {
    if (u.utilization() > average + threshold) sources.push_back(&u);
    if (u.utilization() < average - threshold) targets.push_back(&u);
  }
  std::sort(sources.begin(), sources.end(),
            [](const Usage* a, const Usage* b) { return a->utilization() > b->utilization(); });
  std::sort(targets.begin(), targets.end(),
            [](const Usage* a, const Usage* b) { return a->utilization() < b->utilization(); });
  const size_t max_datanodes = std::max<size_t>(
      2, usage.size() * static_cast<size_t>(config.datanodesinvolvedmaxpercentageperiteration()) /
             100);
  int64_t moved = 0;
  std::set<std::string> involved;
  std::map<int64_t, Move> started;
  for (Usage* source : sources) {
    if (involved.size() + 2 > max_datanodes) break;
    int64_t leaving = 0;
    for (const auto& c : containers_->state().List(0, SIZE_MAX, hdds::CLOSED)) {
      const int64_t size = static_cast<int64_t>(c.usedbytes());
      if (moves.contains(c.containerid()) || started.contains(c.containerid())) continue;
      if (moved + size > config.sizemovedmaxperiteration() ||
          leaving + size > config.sizeleavingsourcemax()) {
        continue;
      }
      std::vector<ContainerReplica> replicas = containers_->Replicas(c.containerid());
      auto holds = [&](const std::string& uuid) {
        return std::any_of(replicas.begin(), replicas.end(),
                           [&](const ContainerReplica& r) { return r.datanode_uuid == uuid; });
      };
      if (!holds(source->uuid)) continue;
      Usage* target = nullptr;
      for (Usage* t : targets) {
        if (holds(t->uuid)) continue;
        if (static_cast<double>(t->used + c.usedbytes()) / static_cast<double>(t->capacity) >
            average + threshold) {
          continue;
        }
        target = t;
        break;
      }
      if (target == nullptr) continue;
      SCMCommandProto command;
      command.set_commandtype(SCMCommandProto::replicateContainerCommand);
      auto* replicate = command.mutable_replicatecontainercommandproto();
      replicate->set_containerid(c.containerid());
      *replicate->add_sources() = source->details;
      *replicate->mutable_target() = target->details;
      send(target->uuid, std::move(command));
      started[c.containerid()] = Move{source->uuid, target->uuid};
      involved.insert(source->uuid);
      involved.insert(target->uuid);
      moved += size;
      leaving += size;
      source->used -= std::min(source->used, c.usedbytes());
      target->used += c.usedbytes();
      if (source->utilization() <= average + threshold) break;
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  for (int64_t id : finished) moves_.erase(id);
  for (auto& [id, move] : started) moves_[id] = std::move(move);
  if (!started.empty()) spdlog::info("ContainerBalancer: {} moves started", started.size());
}

}  // namespace ozone::scm
