#include "scm/replication/replication_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "scm/node/datanode_details.h"

namespace ozone::scm {

namespace {

size_t Required(const hdds::ContainerInfoProto& info) {
  return info.replicationfactor() == hdds::THREE ? 3 : 1;
}

uint64_t Remaining(const NodeStatus& node) {
  uint64_t remaining = 0;
  for (const auto& s : node.node_report.storagereport()) {
    if (!s.failed()) remaining += s.remaining();
  }
  return remaining;
}

}  // namespace

ReplicationManager::ReplicationManager(ReplicationManagerOptions options,
                                       ContainerManager* containers, NodeManager* nodes,
                                       const ha::HaContext* context, const Clock* clock)
    : options_(options), containers_(containers), nodes_(nodes), context_(context), clock_(clock) {
  ha::BackgroundServiceOptions service;
  service.name = "ReplicationManager";
  service.interval = options_.interval;
  service.wait_after_ready = options_.wait_after_safe_mode;
  service_ = std::make_shared<ha::BackgroundService>(
      std::move(service), context_, [this] { ProcessAll(); }, clock_);
}

void ReplicationManager::SetEnabled(bool enabled) {
  std::lock_guard<std::mutex> l(mu_);
  enabled_ = enabled;
}

bool ReplicationManager::enabled() const {
  std::lock_guard<std::mutex> l(mu_);
  return enabled_;
}

void ReplicationManager::OnBecameLeader() {
  std::lock_guard<std::mutex> l(mu_);
  pending_.clear();
}

void ReplicationManager::ProcessAll() {
  if (!enabled()) return;
  Result<Term> term = context_->TermOfLeader();
  if (!term.ok()) return;
  std::set<int64_t> seen;
  for (hdds::LifeCycleState state : {hdds::CLOSED, hdds::QUASI_CLOSED, hdds::DELETING}) {
    for (const auto& c : containers_->state().List(0, SIZE_MAX, state)) {
      if (!context_->IsLeader()) return;
      seen.insert(c.containerid());
      Process(c, *term);
    }
  }
  // Containers that left these states (or SCM) are no longer pending.
  std::lock_guard<std::mutex> l(mu_);
  std::erase_if(pending_, [&](const auto& entry) { return !seen.contains(entry.first); });
}

void ReplicationManager::Send(const std::string& datanode_uuid, SCMCommandProto command,
                              Term term) {
  command.set_cmdid(nodes_->NextCommandId());
  command.set_term(static_cast<int64_t>(term.value()));
  nodes_->AddCommand(datanode_uuid, std::move(command));
}

void ReplicationManager::Process(const hdds::ContainerInfoProto& container, Term term) {
  const int64_t id = container.containerid();
  const Clock::SteadyTime now = clock_->SteadyNow();
  std::vector<ContainerReplica> replicas = containers_->Replicas(id);

  if (container.state() == hdds::DELETING) {
    if (replicas.empty()) {
      Status s = containers_->UpdateState(id, CLEANUP);
      if (!s.ok()) spdlog::info("container #{}: CLEANUP: {}", id, s.ToString());
      std::lock_guard<std::mutex> l(mu_);
      pending_.erase(id);
      return;
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      auto it = pending_.find(id);
      if (it != pending_.end() && now - it->second < options_.command_timeout) return;
      pending_[id] = now;
    }
    for (const auto& r : replicas) {
      SCMCommandProto command;
      command.set_commandtype(SCMCommandProto::deleteContainerCommand);
      command.mutable_deletecontainercommandproto()->set_containerid(id);
      command.mutable_deletecontainercommandproto()->set_force(false);
      Send(r.datanode_uuid, std::move(command), term);
    }
    return;
  }

  // Healthy replicas on healthy datanodes, and the rest.
  std::vector<ContainerReplica> healthy;
  std::vector<ContainerReplica> unhealthy;
  std::set<std::string> holders;
  for (const auto& r : replicas) {
    holders.insert(r.datanode_uuid);
    std::optional<NodeStatus> node = nodes_->Get(r.datanode_uuid);
    if (!node || node->health != NodeHealth::kHealthy) continue;
    const bool good = r.state == REPLICA_CLOSED ||
                      (container.state() == hdds::QUASI_CLOSED && r.state == REPLICA_QUASI_CLOSED);
    if (good) {
      healthy.push_back(r);
    } else if (r.state == REPLICA_UNHEALTHY) {
      unhealthy.push_back(r);
    }
  }
  const size_t required = Required(container);
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = pending_.find(id);
    if (it != pending_.end()) {
      const bool settled = healthy.size() == required && unhealthy.empty();
      if (!settled && now - it->second < options_.command_timeout) return;
      pending_.erase(it);
    }
  }

  if (healthy.size() < required) {
    if (healthy.empty()) {
      spdlog::warn("container #{} has no healthy replica: cannot replicate it", id);
      return;
    }
    // Targets: healthy datanodes without a replica, most remaining space first.
    std::vector<NodeStatus> targets;
    for (auto& node : nodes_->List()) {
      if (node.health != NodeHealth::kHealthy) continue;
      if (holders.contains(DatanodeUuid(node.details))) continue;
      targets.push_back(std::move(node));
    }
    std::stable_sort(targets.begin(), targets.end(), [](const NodeStatus& a, const NodeStatus& b) {
      return Remaining(a) > Remaining(b);
    });
    std::vector<hdds::DatanodeDetailsProto> sources;
    for (const auto& r : healthy) {
      if (auto node = nodes_->Get(r.datanode_uuid)) sources.push_back(node->details);
    }
    const size_t missing = std::min(required - healthy.size(), targets.size());
    if (missing == 0) {
      spdlog::info("container #{} is under-replicated ({}/{}) and no datanode can take it", id,
                   healthy.size(), required);
      return;
    }
    for (size_t i = 0; i < missing; ++i) {
      SCMCommandProto command;
      command.set_commandtype(SCMCommandProto::replicateContainerCommand);
      auto* replicate = command.mutable_replicatecontainercommandproto();
      replicate->set_containerid(id);
      for (const auto& s : sources) *replicate->add_sources() = s;
      *replicate->mutable_target() = targets[i].details;
      Send(DatanodeUuid(targets[i].details), std::move(command), term);
    }
    std::lock_guard<std::mutex> l(mu_);
    pending_[id] = now;
    return;
  }

  std::vector<std::string> to_delete;
  if (healthy.size() > required) {
    // The extra replicas: the last ones in datanode uuid order.
    for (size_t i = required; i < healthy.size(); ++i)
      to_delete.push_back(healthy[i].datanode_uuid);
  }
  for (const auto& r : unhealthy) to_delete.push_back(r.datanode_uuid);
  if (to_delete.empty()) return;
  for (const auto& uuid : to_delete) {
    SCMCommandProto command;
    command.set_commandtype(SCMCommandProto::deleteContainerCommand);
    command.mutable_deletecontainercommandproto()->set_containerid(id);
    command.mutable_deletecontainercommandproto()->set_force(false);
    Send(uuid, std::move(command), term);
  }
  std::lock_guard<std::mutex> l(mu_);
  pending_[id] = now;
}

}  // namespace ozone::scm
