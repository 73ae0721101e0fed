#include "om/scm/batching_block_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace ozone::om {
namespace {

// SCM whose calls wait at a gate until opened; records what each call asked for.
class GatedScm : public ScmBlockClient {
 public:
  Result<std::vector<AllocatedBlock>> AllocateBlocks(uint64_t, uint32_t count,
                                                     const ReplicationConfig&,
                                                     const std::string&,
                                                     const ExcludeList& exclude) override {
    std::unique_lock<std::mutex> l(mu_);
    asked_.push_back(count);
    excluded_.push_back(exclude.containerids_size());
    ++in_flight_;
    cv_.notify_all();
    cv_.wait(l, [&] { return open_; });
    --in_flight_;
    if (fail_) return ozone::Status::FailedPrecondition("SAFE_MODE_EXCEPTION SafeModePrecheck failed");
    uint32_t n = count;
    if (short_next_ > 0 && n > short_next_) {
      n -= short_next_;
      short_next_ = 0;
    }
    std::vector<AllocatedBlock> out(n);
    for (auto& b : out) {
      b.block_id.set_containerid(1);
      b.block_id.set_localid(next_id_++);
    }
    return out;
  }

  void Open() {
    std::lock_guard<std::mutex> l(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void WaitInFlight(int n) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return in_flight_ >= n; });
  }
  void FailAll() {
    std::lock_guard<std::mutex> l(mu_);
    fail_ = true;
  }
  void ShortNextBy(uint32_t n) {
    std::lock_guard<std::mutex> l(mu_);
    short_next_ = n;
  }
  std::vector<uint32_t> asked() {
    std::lock_guard<std::mutex> l(mu_);
    return asked_;
  }
  std::vector<int> excluded() {
    std::lock_guard<std::mutex> l(mu_);
    return excluded_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  bool fail_ = false;
  uint32_t short_next_ = 0;
  int in_flight_ = 0;
  int64_t next_id_ = 1;
  std::vector<uint32_t> asked_;
  std::vector<int> excluded_;
};

const ReplicationConfig kRatis3{hdds::RATIS, hdds::THREE, std::nullopt};
constexpr uint64_t kBlockSize = 256ull << 20;

// Waits (by polling the batcher's counter, which a caller bumps as it queues) until `blocks`
// blocks have been asked for in total.
void WaitRequested(const BatchingScmBlockClient& b, uint64_t blocks) {
  while (b.requested_blocks() < blocks) std::this_thread::yield();
}

TEST(BatchingScmBlockClientTest, LoneCallerGoesOutAtOnce) {
  GatedScm scm;
  scm.Open();
  BatchingScmBlockClient b(&scm);
  auto r = b.AllocateBlocks(kBlockSize, 3, kRatis3, "om", ExcludeList());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 3u);
  EXPECT_EQ(scm.asked(), (std::vector<uint32_t>{3}));
  EXPECT_EQ(b.calls(), 1u);
}

TEST(BatchingScmBlockClientTest, CallersArrivingDuringACallShareTheNextOne) {
  GatedScm scm;
  BatchingScmBlockClient b(&scm);
  std::vector<std::vector<AllocatedBlock>> got(6);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { got[0] = *b.AllocateBlocks(kBlockSize, 1, kRatis3, "om", {}); });
  scm.WaitInFlight(1);
  const uint32_t counts[] = {1, 2, 1, 3, 1};
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&, i] {
      auto r = b.AllocateBlocks(kBlockSize, counts[i], kRatis3, "om", {});
      ASSERT_TRUE(r.ok());
      got[i + 1] = std::move(*r);
    });
  }
  WaitRequested(b, 1 + 8);
  scm.Open();
  for (auto& t : threads) t.join();
  EXPECT_EQ(scm.asked(), (std::vector<uint32_t>{1, 8}));
  EXPECT_EQ(b.calls(), 2u);
  std::set<int64_t> ids;
  EXPECT_EQ(got[0].size(), 1u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(got[i + 1].size(), counts[i]);
  for (auto& g : got) for (auto& blk : g) ids.insert(blk.block_id.localid());
  EXPECT_EQ(ids.size(), 9u) << "every caller gets its own blocks";
}

TEST(BatchingScmBlockClientTest, CombinedCallsStayWithinTheLimit) {
  GatedScm scm;
  BatchingScmBlockClient b(&scm, /*max_blocks_per_call=*/4);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { ASSERT_TRUE(b.AllocateBlocks(kBlockSize, 1, kRatis3, "om", {}).ok()); });
  scm.WaitInFlight(1);
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] { ASSERT_TRUE(b.AllocateBlocks(kBlockSize, 3, kRatis3, "om", {}).ok()); });
    WaitRequested(b, 1 + 3 * (i + 1));  // arrival order is the order asked
  }
  scm.Open();
  for (auto& t : threads) t.join();
  EXPECT_EQ(scm.asked(), (std::vector<uint32_t>{1, 3, 3, 3}));
}

TEST(BatchingScmBlockClientTest, DifferentKindsAreNotCombined) {
  GatedScm scm;
  BatchingScmBlockClient b(&scm);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { ASSERT_TRUE(b.AllocateBlocks(kBlockSize, 1, kRatis3, "om", {}).ok()); });
  scm.WaitInFlight(1);
  // Another owner, another replication, and a retry with an exclude list: each goes out at once.
  threads.emplace_back([&] { ASSERT_TRUE(b.AllocateBlocks(kBlockSize, 1, kRatis3, "om2", {}).ok()); });
  threads.emplace_back([&] {
    ASSERT_TRUE(b.AllocateBlocks(kBlockSize, 1, {hdds::RATIS, hdds::ONE, std::nullopt}, "om", {})
                    .ok());
  });
  ExcludeList exclude;
  exclude.add_containerids(7);
  threads.emplace_back([&] { ASSERT_TRUE(b.AllocateBlocks(kBlockSize, 2, kRatis3, "om", exclude).ok()); });
  scm.WaitInFlight(4);
  scm.Open();
  for (auto& t : threads) t.join();
  EXPECT_EQ(b.calls(), 4u);
  auto ex = scm.excluded();
  EXPECT_EQ(std::count(ex.begin(), ex.end(), 1), 1) << "the exclude list reaches SCM";
}

TEST(BatchingScmBlockClientTest, AnErrorReachesEveryMemberOfTheCall) {
  GatedScm scm;
  BatchingScmBlockClient b(&scm);
  std::vector<ozone::Status> st(3);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { st[0] = b.AllocateBlocks(kBlockSize, 1, kRatis3, "om", {}).status(); });
  scm.WaitInFlight(1);
  threads.emplace_back([&] { st[1] = b.AllocateBlocks(kBlockSize, 1, kRatis3, "om", {}).status(); });
  threads.emplace_back([&] { st[2] = b.AllocateBlocks(kBlockSize, 2, kRatis3, "om", {}).status(); });
  WaitRequested(b, 4);
  scm.FailAll();
  scm.Open();
  for (auto& t : threads) t.join();
  for (const ozone::Status& s : st) {
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("SAFE_MODE_EXCEPTION"), std::string::npos) << s.ToString();
  }
  EXPECT_EQ(scm.asked(), (std::vector<uint32_t>{1, 3}));
}

TEST(BatchingScmBlockClientTest, CallersLeftShortAskThemselves) {
  GatedScm scm;
  BatchingScmBlockClient b(&scm);
  std::vector<size_t> sizes(3);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { sizes[0] = b.AllocateBlocks(kBlockSize, 1, kRatis3, "om", {})->size(); });
  scm.WaitInFlight(1);
  threads.emplace_back([&] { sizes[1] = b.AllocateBlocks(kBlockSize, 1, kRatis3, "om", {})->size(); });
  WaitRequested(b, 2);
  threads.emplace_back([&] { sizes[2] = b.AllocateBlocks(kBlockSize, 2, kRatis3, "om", {})->size(); });
  WaitRequested(b, 4);
  scm.ShortNextBy(1);  // the combined call (3 blocks) gets 2: the first caller of it is served
  scm.Open();
  for (auto& t : threads) t.join();
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 1, 2}));
  EXPECT_EQ(scm.asked(), (std::vector<uint32_t>{1, 3, 2}));
}

}  // namespace
}  // namespace ozone::om
