// OmServiceWatcher: logs, at start and on every change, which leader-only services run on this
// OM: "om <node>: leader-only services RUNNING: [KeyDeletingService, ...] (leader ..., ready ...,
// term ...)". Operators and tests read it: exactly one OM runs them at a time. Registered last
// with the ServiceManager, so it sees the other services' new state.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ha/ha_context.h"
#include "ha/ha_service.h"

namespace ozone::om {

class OmServiceWatcher : public ha::HaService {
 public:
  OmServiceWatcher(std::string node_id, const ha::HaContext* context,
                   std::vector<std::shared_ptr<ha::BackgroundService>> services)
      : node_id_(std::move(node_id)), context_(context), services_(std::move(services)) {}

  std::string Name() const override { return "OmServiceWatcher"; }
  void NotifyStatusChanged() override;
  bool ShouldRun() const override { return true; }
  void Start() override { NotifyStatusChanged(); }
  void Stop() override {}

 private:
  const std::string node_id_;
  const ha::HaContext* context_;
  const std::vector<std::shared_ptr<ha::BackgroundService>> services_;
  std::mutex mu_;
  std::optional<std::string> last_;  // guarded by mu_
};

}  // namespace ozone::om
