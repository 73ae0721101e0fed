// WorkerPool: a fixed set of threads running posted tasks in posting order, for the part of an
// asynchronous RPC that blocks (an RPC to another service, a leadership transfer) and so must not
// run on a completion-queue thread.
//
// Thread-safety: Post may be called from any thread, also from a task.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ozone::rpc {

class WorkerPool {
 public:
  // Starts `threads` threads (at least 1) named `name` (at most 15 characters are shown).
  WorkerPool(int threads, std::string name);
  // Stop().
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Post(std::function<void()> task);
  // Runs every task posted before, then joins the threads; a task posted after Stop runs on the
  // caller's thread. Idempotent.
  void Stop();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace ozone::rpc
