// AllocationLoad: continuous allocateBlock traffic against an SCM ring from several client
// threads (as several OMs would send it), recording every block handed out, when it was asked
// for and when it arrived, and every failed attempt. Tests use it to check that block and
// container ids stay unique and never go backwards across leader failovers, and to measure how
// long the ring is unable to allocate after its leader dies.
//
// Each thread has its own ScmClient (its own failover state) and calls AllocateBlocks(size, 1)
// back to back; a failed call (no leader yet, leader not ready, safe mode) is recorded and
// retried at once (the client paces its own retries).
//
// Thread-safety: Start, Stop and the accessors from one test thread; the accessors may be
// called while the load runs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/scm_cluster.h"

namespace ozone::integration {

struct AllocatedBlockRecord {
  int64_t container_id = 0;
  int64_t local_id = 0;
  std::string pipeline_id;
  int thread = 0;
  std::chrono::steady_clock::time_point asked;     // the call started
  std::chrono::steady_clock::time_point answered;  // the call returned
};

struct AllocationLoadOptions {
  int threads = 3;
  // Bytes asked per block (the leader fills a container with blocks of this size).
  uint64_t block_size = uint64_t{32} << 20;
  // Client failover pacing (short: the figure measured is the ring's, not the client's wait).
  rpc::FailoverOptions failover = [] {
    rpc::FailoverOptions o;
    o.retry_interval = std::chrono::milliseconds(50);
    o.not_ready_wait = std::chrono::milliseconds(20);
    o.max_failovers = 1000;
    o.rpc_timeout = std::chrono::seconds(10);
    return o;
  }();
};

class AllocationLoad {
 public:
  AllocationLoad(ScmCluster* cluster, AllocationLoadOptions options = {});
  ~AllocationLoad();  // Stop()
  AllocationLoad(const AllocationLoad&) = delete;
  AllocationLoad& operator=(const AllocationLoad&) = delete;

  void Start();
  // Stops the threads and waits for them (a call in flight completes first).
  void Stop();

  // Blocks handed out so far, in the order they arrived (per thread in call order).
  std::vector<AllocatedBlockRecord> blocks() const;
  size_t block_count() const;
  // The first block asked for at or after `t` (so served by whoever led then), if any yet.
  std::optional<AllocatedBlockRecord> FirstAskedAfter(std::chrono::steady_clock::time_point t) const;
  // Failed calls (message per failure), for diagnostics.
  std::vector<std::string> errors() const;
  size_t error_count() const;

 private:
  void Run(int thread);

  ScmCluster* cluster_;
  AllocationLoadOptions options_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  mutable std::mutex mu_;
  std::vector<AllocatedBlockRecord> blocks_;  // guarded by mu_
  std::vector<std::string> errors_;           // guarded by mu_
  size_t error_count_ = 0;                    // guarded by mu_
};

}  // namespace ozone::integration
