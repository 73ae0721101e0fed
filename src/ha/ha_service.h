// Services that run only where they should (Ozone's SCMService / OMService):
//   HaService       a service told about status changes (leader ready, stepped down, safe mode
//                   exited); it decides itself whether to run.
//   BackgroundService  a HaService that runs a task every interval on its own thread while
//                   RUNNING (leader ready, out of safe mode unless allowed, and a wait time
//                   after becoming ready), and pauses otherwise. The state is re-evaluated
//                   from the HaContext on NotifyStatusChanged (and Start); becoming RUNNING
//                   wakes the thread, so the first run follows the wait time by at most one
//                   interval (immediately when there is no wait time). The task runs on the
//                   service's thread and must not block for long (Stop waits for it).
//   ServiceManager  the registry that broadcasts status changes to every service.
//
// Thread-safety: all methods may be called from any thread. NotifyStatusChanged must be cheap
// (it is called from the Raft server's event delivery).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "ha/ha_context.h"

namespace ozone::ha {

class HaService {
 public:
  enum class State : uint8_t { kRunning, kPausing };

  virtual ~HaService() = default;
  virtual std::string Name() const = 0;
  // Re-evaluates whether to run (called on every leadership or safe mode change).
  virtual void NotifyStatusChanged() = 0;
  virtual bool ShouldRun() const = 0;
  virtual void Start() = 0;
  virtual void Stop() = 0;
};

struct BackgroundServiceOptions {
  std::string name;
  // Time between two runs of the task. Default: 60 s.
  std::chrono::milliseconds interval{60'000};
  // Wait after becoming ready (leader ready and out of safe mode) before the first run
  // (Ozone's hdds.scm.wait.time.after.safemode.exit). Default: 0.
  std::chrono::milliseconds wait_after_ready{0};
  // Run while in safe mode too. Default: false.
  bool run_in_safe_mode = false;
};

class BackgroundService : public HaService {
 public:
  BackgroundService(BackgroundServiceOptions options, const HaContext* context,
                    std::function<void()> task, const Clock* clock = &Clock::Real());
  ~BackgroundService() override;

  std::string Name() const override { return options_.name; }
  void NotifyStatusChanged() override;
  bool ShouldRun() const override;
  // Starts the thread (which idles while pausing). Idempotent.
  void Start() override;
  // Stops the thread, waiting for a run in progress. Idempotent.
  void Stop() override;
  State state() const;
  // Runs the task now if it should run (tests and "run now" admin commands). Runs of the task
  // never overlap.
  void RunOnce();
  uint64_t runs() const;

 private:
  void Loop();
  bool ShouldRunLocked() const;  // REQUIRES: mu_ held

  const BackgroundServiceOptions options_;
  const HaContext* context_;
  const std::function<void()> task_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::kPausing;  // guarded by mu_
  Clock::SteadyTime ready_since_;  // guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  bool wake_ = false;              // guarded by mu_: re-evaluate now
  uint64_t runs_ = 0;              // guarded by mu_
  std::mutex run_mu_;              // held while the task runs
  std::mutex lifecycle_mu_;        // serializes Start and Stop; guards thread_
  std::thread thread_;
};

class ServiceManager {
 public:
  void Register(std::shared_ptr<HaService> service);
  // Tells every service to re-evaluate.
  void NotifyStatusChanged();
  void StartAll();
  void StopAll();
  std::vector<std::shared_ptr<HaService>> services() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<HaService>> services_;  // guarded by mu_
};

}  // namespace ozone::ha
