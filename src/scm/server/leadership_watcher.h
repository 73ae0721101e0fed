// LeadershipWatcher: the SCM node's reaction to leadership and safe mode changes that no manager
// owns, as an ha::HaService registered last (so it sees the other services' new state):
//   - when this node is no longer the leader, the datanode command queues are dropped (a deposed
//     leader must not hand out commands; Ozone's commands need getTermOfLeader());
//   - the first state and every change of which leader-only services run here is logged as
//     "scm <node>: leader-only services RUNNING: [...]" (operators and tests read it: exactly one
//     SCM runs them at a time).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ha/ha_context.h"
#include "ha/ha_service.h"

namespace ozone::scm {

class LeadershipWatcher : public ha::HaService {
 public:
  // `services`: those whose ShouldRun is logged. `on_not_leader` runs on every change that finds
  // this node not leader.
  LeadershipWatcher(std::string node_id, const ha::HaContext* context,
                    std::vector<std::shared_ptr<ha::HaService>> services,
                    std::function<void()> on_not_leader);

  std::string Name() const override { return "LeadershipWatcher"; }
  void NotifyStatusChanged() override;
  bool ShouldRun() const override { return true; }
  void Start() override { NotifyStatusChanged(); }
  void Stop() override {}

 private:
  const std::string node_id_;
  const ha::HaContext* context_;
  const std::vector<std::shared_ptr<ha::HaService>> services_;
  const std::function<void()> on_not_leader_;
  std::mutex mu_;
  // The last running set logged; none before the first notification, which is always logged (a
  // restarted node says it runs nothing, and its log no longer ends with what it ran before).
  std::optional<std::string> last_;  // guarded by mu_
};

}  // namespace ozone::scm
