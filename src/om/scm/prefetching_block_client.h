// PrefetchingScmBlockClient: an ScmBlockClient that keeps a few blocks allocated ahead, so that a
// key open on the leader usually takes its block at once instead of waiting for an SCM round trip
// (about a third of an open's latency with one client, measured in bench/om_bench).
//
// Per kind of allocation (block size, replication, owner; EC and calls with an exclude list go
// straight through) it keeps up to a target number of blocks. A caller takes what it needs from
// the front; when a kind falls to half its target or below, a refill of the missing blocks is
// due, which the background thread asks `next` for (one call per kind); a caller finding too few
// blocks takes what is there and asks `next` for the rest itself (or, AllocateBlocksIfAtHand,
// gets nothing). A kind only starts being kept once asked for. Blocks older than `max_age` are
// dropped unused, so that a block never goes out long after SCM chose it (its container may have
// closed, its pipeline failed: a client writing then retries with an exclude list, as after any
// such failure).
//
// The target follows the demand: it starts at `reserve`, doubles (up to kMaxGrowth x `reserve`)
// each time a caller finds too few blocks in a kind that was refilled since its blocks last
// expired, and halves (down to `reserve`) each time blocks expire unused. Under a burst of opens (1000 outstanding creates arrive a few hundred at a time) a fixed
// reserve of 64 ran dry between refills, and every open past it waited for SCM on a thread of
// its own; an idle OM keeps no more than `reserve`.
//
// Blocks dropped or left in the reserve are never written: SCM counts a container's used bytes
// from the datanodes' reports, not from allocations, so they cost nothing but their local ids.
//
// A refill that fails (safe mode, no SCM leader) is logged, and the next one waits at least
// `retry_after`; callers meanwhile go to `next` themselves and get its error as before.
//
// Thread-safety: AllocateBlocks may be called from any thread, concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/clock.h"
#include "om/scm/scm_block_client.h"

namespace ozone::om {

struct BlockPrefetchOptions {
  // ozone.om.scm.block.prefetch.count: blocks kept ahead per kind at first and when idle (the
  // target grows with the demand, see above); 0 turns prefetching off.
  uint32_t reserve = 64;
  // ozone.om.scm.block.prefetch.max.age: blocks older than this are dropped unused.
  std::chrono::milliseconds max_age{10'000};
  // Wait after a failed refill before the next.
  std::chrono::milliseconds retry_after{1'000};
  // Refills run on a thread of their own; false: only when RunDueRefills is called (tests).
  bool background = true;
};

class PrefetchingScmBlockClient : public ScmBlockClient {
 public:
  // How far a kind's target may grow: kMaxGrowth x BlockPrefetchOptions::reserve.
  static constexpr uint32_t kMaxGrowth = 16;

  // `next` and `clock` must outlive this.
  PrefetchingScmBlockClient(ScmBlockClient* next, BlockPrefetchOptions options,
                            const Clock* clock);
  ~PrefetchingScmBlockClient() override;

  Result<std::vector<AllocatedBlock>> AllocateBlocks(uint64_t block_size, uint32_t count,
                                                     const ReplicationConfig& replication,
                                                     const std::string& owner,
                                                     const ExcludeList& exclude) override;
  // From the reserve only: all `count` blocks, or nullopt (a refill is then due).
  std::optional<std::vector<AllocatedBlock>> AllocateBlocksIfAtHand(
      uint64_t block_size, uint32_t count, const ReplicationConfig& replication,
      const std::string& owner, const ExcludeList& exclude) override;

  // Runs the refills due now on the calling thread (with background=false).
  void RunDueRefills();

  // Blocks handed out from the reserve, and blocks kept right now (all kinds).
  uint64_t served_from_reserve() const;
  size_t reserved() const;
  // The largest target of any kind right now (tests, stats).
  uint32_t target() const;

 private:
  // block size, replication type, factor, owner
  using Kind = std::tuple<uint64_t, int, int, std::string>;
  struct Reserved {
    AllocatedBlock block;
    Clock::SteadyTime fetched;
  };
  struct Stock {
    ReplicationConfig replication;
    std::deque<Reserved> blocks;
    uint32_t target = 0;             // blocks to keep (see above)
    bool kept = false;               // refilled since created or since blocks last expired
    bool due = false;                // a refill should run
    bool refilling = false;          // one is running
    Clock::SteadyTime not_before{};  // after a failed refill
  };

  // Whether the reserve serves this call at all (prefetching on, no exclude list, not EC).
  bool Servable(uint32_t count, const ReplicationConfig& replication,
                const ExcludeList& exclude) const;
  // The kind's stock, with its expired blocks dropped.
  Stock& StockLocked(uint64_t block_size, const ReplicationConfig& replication,
                     const std::string& owner, Clock::SteadyTime now);
  void DropExpiredLocked(Stock& stock, Clock::SteadyTime now);
  // A caller found too few blocks: the target doubles (up to its bound) if the kind is kept.
  void GrowLocked(Stock& stock) const;
  // Makes a refill of `stock` due if it is low; true if it just became due (wake the thread).
  bool MarkDueLocked(Stock& stock, Clock::SteadyTime now);
  // Refills every due kind; called and returns with `lock` held.
  void RefillLocked(std::unique_lock<std::mutex>& lock);
  void Loop();

  ScmBlockClient* const next_;
  const BlockPrefetchOptions options_;
  const Clock* const clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<Kind, Stock> stocks_;   // guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  uint64_t served_ = 0;            // guarded by mu_
  std::thread thread_;
};

}  // namespace ozone::om
