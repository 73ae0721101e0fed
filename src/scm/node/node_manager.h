// NodeManager: the datanodes SCM knows, as soft state (not replicated: every SCM learns it from
// the datanodes' own registrations and heartbeats, which go to every SCM). Ozone's SCMNodeManager.
//
//   - Register: a datanode (DatanodeDetailsProto with its uuid) joins; registering again updates
//     its address.
//   - Heartbeat: refreshes its last-seen time and its storage report; returns the commands queued
//     for it, but only on the leader (a follower's queue stays empty: commands are produced only
//     by leader logic, stamped with the leader's term).
//   - Health by heartbeat age: HEALTHY < stale interval <= STALE < dead interval <= DEAD
//     (ozone.scm.stale.node.interval 5 m, ozone.scm.dead.node.interval 10 m).
//   - Commands: leader logic queues SCMCommandProto for a datanode (AddCommand); a heartbeat takes
//     them. When this SCM stops being leader the queues are cleared.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "hdds.pb.h"
#include "scm.pb.h"

namespace ozone::scm {

enum class NodeHealth : uint8_t { kHealthy, kStale, kDead };
std::string_view NodeHealthName(NodeHealth health);  // HEALTHY, STALE, DEAD

struct NodeManagerOptions {
  // ozone.scm.stale.node.interval. Default: 5 min.
  std::chrono::milliseconds stale_interval{300'000};
  // ozone.scm.dead.node.interval. Default: 10 min.
  std::chrono::milliseconds dead_interval{600'000};
};

struct NodeStatus {
  hdds::DatanodeDetailsProto details;
  NodeHealth health = NodeHealth::kHealthy;
  Clock::SteadyTime last_heartbeat;
  int64_t last_heartbeat_wall_millis = 0;
  NodeReportProto node_report;
};

class NodeManager {
 public:
  NodeManager(NodeManagerOptions options, const Clock* clock = &Clock::Real());

  // Returns the datanode's uuid (DatanodeUuid(details)); empty, and nothing registered, if the
  // details carry none.
  std::string Register(const hdds::DatanodeDetailsProto& details, const NodeReportProto& report);
  bool IsRegistered(const std::string& uuid) const;
  // Records a heartbeat (and the storage report, if given); returns the commands to send (empty
  // unless `leader`). A datanode that is not registered here gets one reregisterCommand (from
  // every SCM, leader or not, since it registers with each; term 0) and nothing is recorded.
  std::vector<SCMCommandProto> Heartbeat(const std::string& uuid, const NodeReportProto* report,
                                         bool leader);

  // Queues a command for a datanode (leader logic; the command carries the leader's term).
  void AddCommand(const std::string& uuid, SCMCommandProto command);
  size_t QueuedCommands(const std::string& uuid) const;
  // Drops every queued command (on losing leadership).
  void ClearCommands();
  // A fresh command id (they start from the wall time in milliseconds, as Ozone's).
  int64_t NextCommandId();

  std::optional<NodeStatus> Get(const std::string& uuid) const;
  std::vector<NodeStatus> List() const;
  std::vector<hdds::DatanodeDetailsProto> Healthy() const;
  size_t CountHealthy() const;
  size_t CountRegistered() const;

  // Called with the uuid when a datanode registers for the first time (safe mode, pipeline
  // creation react to it), on the registering thread, without NodeManager's lock held.
  void OnNewNode(std::function<void(const std::string&)> callback);

 private:
  NodeHealth HealthOf(const NodeStatus& status) const;

  NodeManagerOptions options_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, NodeStatus> nodes_;                                  // guarded by mu_
  std::map<std::string, std::vector<SCMCommandProto>> commands_;             // guarded by mu_
  std::vector<std::function<void(const std::string&)>> new_node_callbacks_;  // guarded by mu_
  int64_t next_command_id_ = 1;                                              // guarded by mu_
};

}  // namespace ozone::scm
