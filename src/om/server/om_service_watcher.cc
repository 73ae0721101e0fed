#include "om/server/om_service_watcher.h"

#include <spdlog/spdlog.h>

namespace ozone::om {

void OmServiceWatcher::NotifyStatusChanged() {
  std::string running;
  for (const auto& s : services_) {
    if (s->state() != ha::HaService::State::kRunning) continue;
    if (!running.empty()) running += ", ";
    running += s->Name();
  }
  std::lock_guard<std::mutex> l(mu_);
  if (running == last_) return;
  last_ = running;
  spdlog::info("om {}: leader-only services RUNNING: [{}] (leader {}, ready {}, term {})", node_id_,
               running, context_->IsLeader(), context_->IsLeaderReady(),
               context_->term().value());
}

}  // namespace ozone::om
