// RaftRuntime: what the Raft groups of one process share: a thread pool for their strands, one
// ticker that drives every group's logical clock, and one Transport.
//
// Thread-safety: all methods may be called from any thread. Ticker callbacks run on the ticker
// thread and must only post work (they must not block or call RemoveTicker).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "ha/raft/server/thread_pool.h"
#include "ha/raft/transport/transport.h"

namespace ozone::raft {

struct RaftRuntimeOptions {
  // Threads running the groups' strands. Default: 0 (the number of CPUs, at least 2).
  size_t threads = 0;
  // Length of one protocol tick. Default: 10 ms.
  std::chrono::milliseconds tick_interval{10};
};

class RaftRuntime {
 public:
  // `transport` must outlive the runtime.
  RaftRuntime(Transport* transport, RaftRuntimeOptions options = {});
  // Stops the ticker and joins the pool (groups must be stopped first).
  ~RaftRuntime();
  RaftRuntime(const RaftRuntime&) = delete;
  RaftRuntime& operator=(const RaftRuntime&) = delete;

  ThreadPool* pool() { return &pool_; }
  Transport* transport() { return transport_; }
  std::chrono::milliseconds tick_interval() const { return options_.tick_interval; }

  // Calls `fn` every tick. Returns an id for RemoveTicker.
  uint64_t AddTicker(std::function<void()> fn);
  // When this returns, the callback does not run and will not run again.
  void RemoveTicker(uint64_t id);

 private:
  void RunTicker();

  Transport* transport_;
  RaftRuntimeOptions options_;
  ThreadPool pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, std::function<void()>> tickers_;  // guarded by mu_
  uint64_t next_id_ = 1;                               // guarded by mu_
  bool stopping_ = false;                              // guarded by mu_
  std::thread ticker_;
};

}  // namespace ozone::raft
