// BatchingScmBlockClient: an ScmBlockClient that combines concurrent allocations into one SCM
// call. Key opens on the leader each need a block (Ozone's OMKeyCreateRequest.preExecute asks
// SCM's allocateBlock for every open); under load the OM's RPC workers would each pay a full SCM
// round trip for one block. Here the first caller of a kind sends its call at once; callers that
// arrive while it is in flight queue, and the next call asks for all their blocks together
// (numBlocks = the sum, at most `max_blocks_per_call`), each caller getting its own blocks in
// arrival order. With no concurrency nothing waits: a lone caller's call goes out immediately.
//
// Calls are combined only when SCM would treat them alike: same block size, replication, owner,
// and an empty exclude list (a retry after a datanode failure goes straight through). An error of
// a combined call is every member's error (safe mode, no leader), as each would have got it
// alone. If SCM returns fewer blocks than asked (it may, when containers run out mid-call), the
// callers left short ask SCM themselves.
//
// Thread-safety: AllocateBlocks may be called from any thread, concurrently.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "om/scm/scm_block_client.h"

namespace ozone::om {

class BatchingScmBlockClient : public ScmBlockClient {
 public:
  static constexpr uint32_t kDefaultMaxBlocksPerCall = 1000;

  // `next` must outlive this.
  explicit BatchingScmBlockClient(ScmBlockClient* next,
                                  uint32_t max_blocks_per_call = kDefaultMaxBlocksPerCall);

  Result<std::vector<AllocatedBlock>> AllocateBlocks(uint64_t block_size, uint32_t count,
                                                     const ReplicationConfig& replication,
                                                     const std::string& owner,
                                                     const ExcludeList& exclude) override;

  // Downstream calls made, and blocks asked for by callers (for tests and metrics).
  uint64_t calls() const;
  uint64_t requested_blocks() const;

 private:
  struct Waiter;
  struct Lane {
    bool busy = false;             // a call of this lane is in flight
    std::deque<Waiter*> queue;     // callers waiting, in arrival order
  };
  // block size, replication type, factor, owner
  using LaneKey = std::tuple<uint64_t, int, int, std::string>;

  // Sends the lane's next call for the waiters at the front of its queue (the first is `self`)
  // and hands each its blocks. Called with `lock` held; returns with it held.
  void Lead(Lane& lane, std::unique_lock<std::mutex>& lock, uint64_t block_size,
            const ReplicationConfig& replication, const std::string& owner);

  ScmBlockClient* const next_;
  const uint32_t max_blocks_per_call_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<LaneKey, Lane> lanes_;    // guarded by mu_
  uint64_t calls_ = 0;               // guarded by mu_
  uint64_t requested_blocks_ = 0;    // guarded by mu_
};

}  // namespace ozone::om
