#include "scm/server/leadership_watcher.h"

#include <spdlog/spdlog.h>

namespace ozone::scm {

LeadershipWatcher::LeadershipWatcher(std::string node_id, const ha::HaContext* context,
                                     std::vector<std::shared_ptr<ha::HaService>> services,
                                     std::function<void()> on_not_leader)
    : node_id_(std::move(node_id)),
      context_(context),
      services_(std::move(services)),
      on_not_leader_(std::move(on_not_leader)) {}

void LeadershipWatcher::NotifyStatusChanged() {
  if (!context_->IsLeader() && on_not_leader_) on_not_leader_();
  std::string running;
  for (const auto& s : services_) {
    // A background service is RUNNING once leader ready (and out of safe mode unless allowed),
    // even while it still waits out hdds.scm.wait.time.after.safemode.exit.
    auto* background = dynamic_cast<ha::BackgroundService*>(s.get());
    bool runs = background ? background->state() == ha::HaService::State::kRunning : s->ShouldRun();
    if (!runs) continue;
    if (!running.empty()) running += ", ";
    running += s->Name();
  }
  std::lock_guard<std::mutex> l(mu_);
  if (running == last_) return;
  last_ = running;
  spdlog::info(
      "scm {}: leader-only services RUNNING: [{}] (leader {}, ready {}, term {}, safe "
      "mode {})",
      node_id_, running, context_->IsLeader(), context_->IsLeaderReady(), context_->term().value(),
      context_->IsInSafeMode());
}

}  // namespace ozone::scm
