#include "ha/ha_service.h"

#include "common/thread_name.h"

namespace ozone::ha {

// ------------------------------------------------------------------------------------------------
// BackgroundService

BackgroundService::BackgroundService(BackgroundServiceOptions options, const HaContext* context,
                                     std::function<void()> task, const Clock* clock)
    : options_(std::move(options)), context_(context), task_(std::move(task)), clock_(clock) {}

BackgroundService::~BackgroundService() { Stop(); }

void BackgroundService::NotifyStatusChanged() {
  bool ready =
      context_->IsLeaderReady() && (options_.run_in_safe_mode || !context_->IsInSafeMode());
  std::lock_guard<std::mutex> l(mu_);
  State next = ready ? State::kRunning : State::kPausing;
  if (next == state_) return;
  state_ = next;
  if (next == State::kRunning) {
    ready_since_ = clock_->SteadyNow();
    wake_ = true;
    cv_.notify_all();
  }
}

bool BackgroundService::ShouldRunLocked() const {
  return state_ == State::kRunning &&
         clock_->SteadyNow() - ready_since_ >= options_.wait_after_ready;
}

bool BackgroundService::ShouldRun() const {
  std::lock_guard<std::mutex> l(mu_);
  return ShouldRunLocked();
}

BackgroundService::State BackgroundService::state() const {
  std::lock_guard<std::mutex> l(mu_);
  return state_;
}

uint64_t BackgroundService::runs() const {
  std::lock_guard<std::mutex> l(mu_);
  return runs_;
}

void BackgroundService::RunOnce() {
  std::lock_guard<std::mutex> run(run_mu_);
  if (!ShouldRun()) return;
  task_();
  std::lock_guard<std::mutex> l(mu_);
  ++runs_;
}

void BackgroundService::Start() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = false;
  }
  NotifyStatusChanged();
  thread_ = std::thread([this] {
    NameThisThread(options_.name);
    Loop();
  });
}

void BackgroundService::Stop() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

void BackgroundService::Loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    wake_ = false;
    if (ShouldRunLocked()) {
      l.unlock();
      RunOnce();
      l.lock();
      if (stopping_) break;
    }
    cv_.wait_for(l, options_.interval, [this] { return stopping_ || wake_; });
  }
}

// ------------------------------------------------------------------------------------------------
// ServiceManager

void ServiceManager::Register(std::shared_ptr<HaService> service) {
  std::lock_guard<std::mutex> l(mu_);
  services_.push_back(std::move(service));
}

void ServiceManager::NotifyStatusChanged() {
  for (const auto& s : services()) s->NotifyStatusChanged();
}

void ServiceManager::StartAll() {
  for (const auto& s : services()) s->Start();
}

void ServiceManager::StopAll() {
  for (const auto& s : services()) s->Stop();
}

std::vector<std::shared_ptr<HaService>> ServiceManager::services() const {
  std::lock_guard<std::mutex> l(mu_);
  return services_;
}

}  // namespace ozone::ha
