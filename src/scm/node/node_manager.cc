#include "scm/node/node_manager.h"

#include "scm/node/datanode_details.h"

namespace ozone::scm {

std::string_view NodeHealthName(NodeHealth health) {
  switch (health) {
    case NodeHealth::kHealthy:
      return "HEALTHY";
    case NodeHealth::kStale:
      return "STALE";
    case NodeHealth::kDead:
      return "DEAD";
  }
  return "UNKNOWN";
}

NodeManager::NodeManager(NodeManagerOptions options, const Clock* clock)
    : options_(options), clock_(clock) {
  // Command ids start from the wall time, so that those of successive leaders hardly collide
  // (as Ozone's HddsIdFactory).
  next_command_id_ = std::max<int64_t>(1, clock_->WallMillis());
}

NodeHealth NodeManager::HealthOf(const NodeStatus& status) const {
  Clock::Duration age = clock_->SteadyNow() - status.last_heartbeat;
  if (age >= options_.dead_interval) return NodeHealth::kDead;
  if (age >= options_.stale_interval) return NodeHealth::kStale;
  return NodeHealth::kHealthy;
}

std::string NodeManager::Register(const hdds::DatanodeDetailsProto& details,
                                  const NodeReportProto& report) {
  std::string uuid = DatanodeUuid(details);
  if (uuid.empty()) return uuid;
  std::vector<std::function<void(const std::string&)>> callbacks;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto [it, inserted] = nodes_.try_emplace(uuid);
    NodeStatus& s = it->second;
    s.details = details;
    if (s.details.uuid().empty()) s.details.set_uuid(uuid);
    s.node_report = report;
    s.last_heartbeat = clock_->SteadyNow();
    s.last_heartbeat_wall_millis = clock_->WallMillis();
    if (inserted) callbacks = new_node_callbacks_;
  }
  for (const auto& cb : callbacks) cb(uuid);
  return uuid;
}

bool NodeManager::IsRegistered(const std::string& uuid) const {
  std::lock_guard<std::mutex> l(mu_);
  return nodes_.contains(uuid);
}

std::vector<SCMCommandProto> NodeManager::Heartbeat(const std::string& uuid,
                                                    const NodeReportProto* report, bool leader) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = nodes_.find(uuid);
  if (it == nodes_.end()) {
    SCMCommandProto reregister;
    reregister.set_commandtype(SCMCommandProto::reregisterCommand);
    reregister.set_cmdid(next_command_id_++);
    reregister.set_term(0);
    return {std::move(reregister)};
  }
  it->second.last_heartbeat = clock_->SteadyNow();
  it->second.last_heartbeat_wall_millis = clock_->WallMillis();
  if (report != nullptr) it->second.node_report = *report;
  if (!leader) return {};
  auto queued = commands_.find(uuid);
  if (queued == commands_.end()) return {};
  std::vector<SCMCommandProto> out = std::move(queued->second);
  commands_.erase(queued);
  return out;
}

void NodeManager::AddCommand(const std::string& uuid, SCMCommandProto command) {
  std::lock_guard<std::mutex> l(mu_);
  commands_[uuid].push_back(std::move(command));
}

size_t NodeManager::QueuedCommands(const std::string& uuid) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = commands_.find(uuid);
  return it == commands_.end() ? 0 : it->second.size();
}

void NodeManager::ClearCommands() {
  std::lock_guard<std::mutex> l(mu_);
  commands_.clear();
}

int64_t NodeManager::NextCommandId() {
  std::lock_guard<std::mutex> l(mu_);
  return next_command_id_++;
}

std::optional<NodeStatus> NodeManager::Get(const std::string& uuid) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = nodes_.find(uuid);
  if (it == nodes_.end()) return std::nullopt;
  NodeStatus s = it->second;
  s.health = HealthOf(s);
  return s;
}

std::vector<NodeStatus> NodeManager::List() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<NodeStatus> out;
  out.reserve(nodes_.size());
  for (const auto& [uuid, status] : nodes_) {
    out.push_back(status);
    out.back().health = HealthOf(status);
  }
  return out;
}

std::vector<hdds::DatanodeDetailsProto> NodeManager::Healthy() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<hdds::DatanodeDetailsProto> out;
  for (const auto& [uuid, status] : nodes_) {
    if (HealthOf(status) == NodeHealth::kHealthy) out.push_back(status.details);
  }
  return out;
}

size_t NodeManager::CountHealthy() const {
  std::lock_guard<std::mutex> l(mu_);
  size_t n = 0;
  for (const auto& [uuid, status] : nodes_) n += HealthOf(status) == NodeHealth::kHealthy;
  return n;
}

size_t NodeManager::CountRegistered() const {
  std::lock_guard<std::mutex> l(mu_);
  return nodes_.size();
}

void NodeManager::OnNewNode(std::function<void(const std::string&)> callback) {
  std::lock_guard<std::mutex> l(mu_);
  new_node_callbacks_.push_back(std::move(callback));
}

}  // namespace ozone::scm
