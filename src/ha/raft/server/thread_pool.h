// ThreadPool: a fixed set of threads running posted tasks; Strand: tasks posted to it run one at
// a time, in order, on the pool. Several Raft groups of one process share a pool (datanodes run
// one group per pipeline): each group's protocol loop and apply loop are strands.
//
// Thread-safety: Post may be called from any thread. A task must not block for long (a blocked
// task holds a pool thread).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ozone::raft {

class ThreadPool {
 public:
  using Task = std::function<void()>;

  // Starts `threads` threads (at least 1).
  explicit ThreadPool(size_t threads, std::string name = "raft-pool");
  // Runs what is queued, then joins.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Post(Task task);
  size_t size() const { return threads_.size(); }

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::vector<std::thread> threads_;
};

// Serial execution on a pool. Post returns at once; tasks run in posting order, never two at a
// time. Drain() waits until every posted task has run.
class Strand : public std::enable_shared_from_this<Strand> {
 public:
  explicit Strand(ThreadPool* pool) : pool_(pool) {}

  void Post(ThreadPool::Task task);
  // Runs `task` at once on the calling thread if the strand is idle (saving a thread wakeup on
  // latency-critical paths), else queues it as Post does. Tasks queued meanwhile (by `task` or
  // by others) run after it on this thread, at most `then_max` of them; the rest moves to the
  // pool. With then_max = 0 only `task` runs here: its follow-up work goes to the pool, so that
  // callers arriving meanwhile queue up behind it and are handled together (batching).
  void Dispatch(ThreadPool::Task task, int then_max = 16);
  // Waits until the strand is idle. Must not be called from a task of this strand.
  void Drain();
  // Whether the calling thread is running a task of this strand.
  bool RunningInThisThread() const;

 private:
  void RunSome();
  // Runs queued tasks on this thread, then releases the strand or hands it to the pool.
  // REQUIRES: the caller holds the strand (scheduled_ set by it).
  void RunQueued(int max_tasks);

  ThreadPool* pool_;
  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  std::deque<ThreadPool::Task> tasks_;  // guarded by mu_
  bool scheduled_ = false;              // guarded by mu_: a RunSome is queued or running
  std::thread::id running_thread_;      // guarded by mu_
};

}  // namespace ozone::raft
