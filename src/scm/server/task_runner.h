// TaskRunner: one thread that runs posted tasks in order, and periodic ones, for an SCM node's
// follow-up work that must not run on the thread that triggered it (a gRPC handler, a Raft
// event): creating pipelines when a datanode registers, re-evaluating safe mode.
//
// Thread-safety: all methods may be called from any thread; tasks run one at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ozone::scm {

class TaskRunner {
 public:
  TaskRunner() = default;
  ~TaskRunner();

  // Runs `task` every `interval` (the first time one interval after Start). Before Start only.
  void RunEvery(std::chrono::milliseconds interval, std::function<void()> task);
  void Start();
  // Runs `task` soon. Dropped after Stop.
  void Post(std::function<void()> task);
  // Waits for the task in progress; pending tasks are dropped. Idempotent.
  void Stop();

 private:
  struct Periodic {
    std::chrono::milliseconds interval;
    std::function<void()> task;
    std::chrono::steady_clock::time_point next;
  };
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  std::vector<Periodic> periodic_;           // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::thread thread_;
};

}  // namespace ozone::scm
