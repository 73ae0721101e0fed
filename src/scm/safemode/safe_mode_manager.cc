#include "scm/safemode/safe_mode_manager.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <sstream>

#include "scm/container/container_manager.h"
#include "scm/container/container_state_manager.h"
#include "scm/node/node_manager.h"
#include "scm/pipeline/pipeline_manager.h"

namespace ozone::scm {

namespace {

SafeModeRuleStatus Rule(std::string name, bool validated, std::string text) {
  SafeModeRuleStatus s;
  s.set_rulename(std::move(name));
  s.set_validated(validated);
  s.set_statustext(std::move(text));
  return s;
}

std::string Fraction(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// ceil(pct x count), at least 0.
size_t Threshold(double pct, size_t count) {
  return static_cast<size_t>(std::ceil(pct * static_cast<double>(count)));
}

}  // namespace

SafeModeManager::SafeModeManager(SafeModeOptions options, ha::HaContext* context,
                                 ha::ServiceManager* services, const NodeManager* nodes,
                                 const ContainerStateManager* containers,
                                 const ContainerManager* container_manager,
                                 const PipelineManager* pipelines,
                                 std::function<bool()> state_machine_ready)
    : options_(options),
      context_(context),
      services_(services),
      nodes_(nodes),
      containers_(containers),
      container_manager_(container_manager),
      pipelines_(pipelines),
      state_machine_ready_(std::move(state_machine_ready)) {
  if (!options_.enabled) context_->SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
}

std::vector<SafeModeRuleStatus> SafeModeManager::Evaluate() const {
  std::vector<SafeModeRuleStatus> rules;
  // DataNodeSafeModeRule (the pre-check).
  const size_t registered = nodes_->CountRegistered();
  rules.push_back(Rule("DataNodeSafeModeRule", registered >= options_.min_datanodes,
                       "registered datanodes (=" + std::to_string(registered) +
                           ") >= required datanodes (=" + std::to_string(options_.min_datanodes) +
                           ")"));
  // ContainerSafeModeRule: closed containers with keys need a reported replica.
  size_t total = 0, reported = 0;
  for (hdds::LifeCycleState state : {hdds::CLOSED, hdds::QUASI_CLOSED}) {
    for (const auto& c : containers_->List(0, SIZE_MAX, state)) {
      if (c.numberofkeys() == 0) continue;
      ++total;
      reported += !container_manager_->Replicas(c.containerid()).empty();
    }
  }
  const double fraction =
      total == 0 ? 1.0 : static_cast<double>(reported) / static_cast<double>(total);
  rules.push_back(
      Rule("ContainerSafeModeRule", fraction >= options_.container_threshold,
           "% of containers with at least one reported replica (=" + Fraction(fraction) +
               ") >= safeModeCutoff (=" + Fraction(options_.container_threshold) + ")"));
  // HealthyPipelineSafeModeRule and OneReplicaPipelineSafeModeRule (OPEN RATIS/THREE).
  const size_t pipelines = pipelines_->OpenPipelines(hdds::RATIS, hdds::THREE).size();
  const size_t healthy = pipelines_->CountFullyReported();
  const size_t healthy_needed = Threshold(options_.healthy_pipeline_pct, pipelines);
  rules.push_back(
      Rule("HealthyPipelineSafeModeRule", healthy >= healthy_needed,
           "healthy Ratis/THREE pipelines (=" + std::to_string(healthy) +
               ") >= healthyPipelineThresholdCount (=" + std::to_string(healthy_needed) + ")"));
  const size_t one = pipelines_->CountWithOneReported();
  const size_t one_needed = Threshold(options_.one_replica_pipeline_pct, pipelines);
  rules.push_back(
      Rule("OneReplicaPipelineSafeModeRule", one >= one_needed,
           "reported Ratis/THREE pipelines with at least one datanode (=" + std::to_string(one) +
               ") >= threshold (=" + std::to_string(one_needed) + ")"));
  // StateMachineReadyRule.
  const bool ready = !state_machine_ready_ || state_machine_ready_();
  rules.push_back(Rule("StateMachineReadyRule", ready,
                       ready ? "SCM state machine is ready" : "SCM state machine is catching up"));
  return rules;
}

void SafeModeManager::Refresh() {
  bool notify = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!context_->IsInSafeMode()) {
      // Disabled (or left) before the services were registered: tell them once.
      notify = !notified_disabled_;
      notified_disabled_ = true;
    } else {
      last_ = Evaluate();
      bool all = true;
      for (const auto& r : last_) all = all && r.validated();
      const bool pre_check = last_.front().validated();
      if (all) {
        context_->SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
        notified_disabled_ = true;
        notify = true;
        spdlog::info("SCM exits safe mode: every rule is validated");
      } else if (pre_check && context_->safe_mode() == ha::SafeModeStatus::kInitial) {
        context_->SetSafeMode(ha::SafeModeStatus::kPreChecksPassed);
        notify = true;
        spdlog::info("SCM safe mode pre-checks passed");
      }
    }
  }
  if (notify && services_ != nullptr) services_->NotifyStatusChanged();
}

void SafeModeManager::ForceExit() {
  bool notify = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (context_->IsInSafeMode()) {
      context_->SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
      notify = true;
      spdlog::info("SCM exits safe mode (forced)");
    }
    notified_disabled_ = true;
  }
  if (notify && services_ != nullptr) services_->NotifyStatusChanged();
}

bool SafeModeManager::InSafeMode() const { return context_->IsInSafeMode(); }

bool SafeModeManager::PreCheckComplete() const { return context_->IsPreCheckComplete(); }

std::vector<SafeModeRuleStatus> SafeModeManager::RuleStatuses() const { return Evaluate(); }

}  // namespace ozone::scm
