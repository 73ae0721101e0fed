#include "om/scm/prefetching_block_client.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

namespace ozone::om {
namespace {

using namespace std::chrono_literals;

// SCM that hands out blocks with increasing local ids and records what each call asked for.
class CountingScm : public ScmBlockClient {
 public:
  Result<std::vector<AllocatedBlock>> AllocateBlocks(uint64_t, uint32_t count,
                                                     const ReplicationConfig&, const std::string&,
                                                     const ExcludeList&) override {
    std::lock_guard<std::mutex> l(mu);  // (the refill thread calls too)
    asked.push_back(count);
    if (fail) return ozone::Status::FailedPrecondition("SAFE_MODE_EXCEPTION SafeModePrecheck failed");
    std::vector<AllocatedBlock> out(count);
    for (auto& b : out) {
      b.block_id.set_containerid(1);
      b.block_id.set_localid(next_id++);
    }
    return out;
  }
  std::mutex mu;
  std::vector<uint32_t> asked;
  bool fail = false;
  int64_t next_id = 1;
};

class PrefetchingScmBlockClientTest : public ::testing::Test {
 protected:
  PrefetchingScmBlockClientTest() : client_(&scm_, Options(), &clock_) {}
  static BlockPrefetchOptions Options() {
    BlockPrefetchOptions o;
    o.reserve = 8;
    o.max_age = 10s;
    o.retry_after = 1s;
    o.background = false;
    return o;
  }
  Result<std::vector<AllocatedBlock>> Allocate(uint32_t count, const std::string& owner = "om",
                                               const ExcludeList& exclude = ExcludeList()) {
    return client_.AllocateBlocks(256 << 20, count, ReplicationConfig(), owner, exclude);
  }
  std::vector<int64_t> Ids(const Result<std::vector<AllocatedBlock>>& r) {
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<int64_t> ids;
    if (r.ok()) {
      for (const auto& b : *r) ids.push_back(b.block_id.localid());
    }
    return ids;
  }

  CountingScm scm_;
  ManualClock clock_;
  PrefetchingScmBlockClient client_;
};

TEST_F(PrefetchingScmBlockClientTest, TheFirstOpenAsksScmAndLaterOnesTakeBlocksAllocatedAhead) {
  EXPECT_EQ(Ids(Allocate(1)), std::vector<int64_t>{1});
  EXPECT_EQ(scm_.asked, std::vector<uint32_t>{1});
  client_.RunDueRefills();
  EXPECT_EQ(scm_.asked, (std::vector<uint32_t>{1, 8}));
  EXPECT_EQ(client_.reserved(), 8u);

  std::set<int64_t> seen = {1};
  for (int i = 0; i < 4; ++i) {
    for (int64_t id : Ids(Allocate(1))) EXPECT_TRUE(seen.insert(id).second) << id;
  }
  EXPECT_EQ(scm_.asked.size(), 2u);  // all four from the reserve
  EXPECT_EQ(client_.served_from_reserve(), 4u);
  // Down to half: the next refill tops it up to eight.
  client_.RunDueRefills();
  EXPECT_EQ(scm_.asked, (std::vector<uint32_t>{1, 8, 4}));
  EXPECT_EQ(client_.reserved(), 8u);
  for (int64_t id : Ids(Allocate(3))) EXPECT_TRUE(seen.insert(id).second) << id;
  client_.RunDueRefills();  // five left: more than half, nothing due
  EXPECT_EQ(scm_.asked.size(), 3u);
}

TEST_F(PrefetchingScmBlockClientTest, AnOpenNeedingMoreThanIsKeptAsksScmForTheRest) {
  ASSERT_TRUE(Allocate(1).ok());
  client_.RunDueRefills();
  std::vector<int64_t> ids = Ids(Allocate(11));
  EXPECT_EQ(ids.size(), 11u);
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 11u);
  EXPECT_EQ(scm_.asked, (std::vector<uint32_t>{1, 8, 3}));
  EXPECT_EQ(client_.reserved(), 0u);
}

TEST_F(PrefetchingScmBlockClientTest, OldBlocksAreDroppedUnused) {
  ASSERT_TRUE(Allocate(1).ok());
  client_.RunDueRefills();
  clock_.Advance(11s);
  EXPECT_EQ(Ids(Allocate(1)), std::vector<int64_t>{10});  // fresh from SCM, not ids 2..9
  EXPECT_EQ(client_.served_from_reserve(), 0u);
  EXPECT_EQ(client_.reserved(), 0u);
}

TEST_F(PrefetchingScmBlockClientTest, ExcludeListsAndOtherKindsAreNotServedFromTheReserve) {
  ASSERT_TRUE(Allocate(1).ok());
  client_.RunDueRefills();
  ExcludeList exclude;
  exclude.add_containerids(1);
  ASSERT_TRUE(Allocate(1, "om", exclude).ok());  // a retry after a failed write: straight to SCM
  EXPECT_EQ(scm_.asked.size(), 3u);
  ASSERT_TRUE(Allocate(1, "other-om").ok());  // another owner: its own reserve, empty so far
  EXPECT_EQ(scm_.asked.size(), 4u);
  EXPECT_EQ(client_.served_from_reserve(), 0u);
  EXPECT_EQ(client_.reserved(), 8u);
}

TEST_F(PrefetchingScmBlockClientTest, AFailedRefillIsNotRetriedBeforeTheWait) {
  scm_.fail = true;
  EXPECT_FALSE(Allocate(1).ok());  // the caller gets SCM's error, as without prefetching
  client_.RunDueRefills();
  EXPECT_EQ(scm_.asked.size(), 2u);
  EXPECT_FALSE(Allocate(1).ok());
  client_.RunDueRefills();
  EXPECT_EQ(scm_.asked.size(), 3u);  // no refill: it failed less than a second ago
  scm_.fail = false;
  clock_.Advance(2s);
  EXPECT_TRUE(Allocate(1).ok());
  client_.RunDueRefills();
  EXPECT_EQ(scm_.asked.back(), 8u);
  EXPECT_EQ(client_.reserved(), 8u);
}

TEST_F(PrefetchingScmBlockClientTest, AtHandServesOnlyWhatTheReserveHoldsAndNeverWaits) {
  EXPECT_FALSE(client_.AllocateBlocksIfAtHand(256 << 20, 1, ReplicationConfig(), "om",
                                              ExcludeList()));
  EXPECT_TRUE(scm_.asked.empty());  // it never asks SCM itself...
  client_.RunDueRefills();          // ... but a refill is due
  EXPECT_EQ(scm_.asked, std::vector<uint32_t>{8});
  auto two = client_.AllocateBlocksIfAtHand(256 << 20, 2, ReplicationConfig(), "om",
                                            ExcludeList());
  ASSERT_TRUE(two);
  EXPECT_EQ(two->size(), 2u);
  EXPECT_FALSE(client_.AllocateBlocksIfAtHand(256 << 20, 7, ReplicationConfig(), "om",
                                              ExcludeList()));
  EXPECT_EQ(client_.reserved(), 6u);  // nothing taken by the refusal
  ExcludeList exclude;
  exclude.add_containerids(1);
  EXPECT_FALSE(client_.AllocateBlocksIfAtHand(256 << 20, 1, ReplicationConfig(), "om", exclude));
  EXPECT_EQ(scm_.asked.size(), 1u);
}

// A burst larger than the reserve doubles the target at each shortfall, up to 16 x the reserve;
// blocks left to expire halve it back. A new or idle kind's first shortfall does not count.
TEST_F(PrefetchingScmBlockClientTest, TheTargetGrowsWithBurstsAndShrinksWhenBlocksExpire) {
  ASSERT_TRUE(Allocate(1).ok());  // a new kind: no growth
  client_.RunDueRefills();
  EXPECT_EQ(client_.target(), 8u);
  EXPECT_EQ(scm_.asked, (std::vector<uint32_t>{1, 8}));

  std::set<int64_t> seen;
  uint32_t want = 8;
  for (uint32_t expect : {16u, 32u, 64u, 128u, 128u}) {
    for (int64_t id : Ids(Allocate(want + 2))) EXPECT_TRUE(seen.insert(id).second) << id;
    EXPECT_EQ(scm_.asked.back(), 2u);  // the shortfall, from SCM
    EXPECT_EQ(client_.target(), expect);
    client_.RunDueRefills();
    EXPECT_EQ(scm_.asked.back(), expect);  // topped up to the new target
    EXPECT_EQ(client_.reserved(), expect);
    want = expect;
  }
  EXPECT_EQ(client_.served_from_reserve(), 8u + 16 + 32 + 64 + 128);

  // Idle: they expire, the target halves, and the shortfall that follows is not a burst.
  clock_.Advance(11s);
  ASSERT_TRUE(Allocate(1).ok());
  EXPECT_EQ(client_.target(), 64u);
  EXPECT_EQ(client_.reserved(), 0u);
  client_.RunDueRefills();
  EXPECT_EQ(scm_.asked.back(), 64u);
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(11s);
    ASSERT_TRUE(Allocate(1).ok());
    client_.RunDueRefills();
  }
  EXPECT_EQ(client_.target(), 8u) << "never below the configured reserve";
  EXPECT_EQ(scm_.asked.back(), 8u);
}

TEST(PrefetchingScmBlockClientOffTest, ReserveZeroPassesEveryCallThrough) {
  CountingScm scm;
  ManualClock clock;
  BlockPrefetchOptions o;
  o.reserve = 0;
  PrefetchingScmBlockClient client(&scm, o, &clock);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.AllocateBlocks(1, 1, ReplicationConfig(), "om", ExcludeList()).ok());
  }
  client.RunDueRefills();
  EXPECT_EQ(scm.asked, (std::vector<uint32_t>{1, 1, 1}));
}

TEST(PrefetchingScmBlockClientThreadTest, TheBackgroundThreadRefills) {
  CountingScm scm;
  BlockPrefetchOptions o;
  o.reserve = 4;
  {
    PrefetchingScmBlockClient client(&scm, o, &Clock::Real());
    ASSERT_TRUE(client.AllocateBlocks(1, 1, ReplicationConfig(), "om", ExcludeList()).ok());
    // Destroying it joins its thread, with or without a refill in flight.
    for (int i = 0; i < 5000 && client.reserved() < 4; ++i) {
      std::this_thread::sleep_for(1ms);  // (polls the thread's result, as a cluster test would)
    }
    EXPECT_EQ(client.reserved(), 4u);
  }
}

}  // namespace
}  // namespace ozone::om
