#include "ha/sequence_id_generator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "ha/testing/direct_replicator.h"
#include "ha/testing/kv_apply_handler.h"
#include "tests/testutil/subprocess.h"

namespace ozone::ha {
namespace {

using testing::DirectReplicator;
using testing::KvApplyHandler;

// One replicated state (a DirectReplicator standing for the log) and generators over it.
class SequenceIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::DBStore::Open(tmp_.Sub("kv.db"), testing::KvDbDefinition());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(db).value();
    ASSERT_TRUE(handler_->Reload(*db_).ok());
    replicator_ = std::make_unique<DirectReplicator>(db_.get(), handler_.get(),
                                                     testing::kKvTransactionInfoTable);
  }

  SequenceIdGenerator::AllocateFn Allocate() {
    return [this](const std::string& name, uint64_t expected, uint64_t next) -> Result<bool> {
      ++allocations_;
      Result<std::string> r = replicator_->Submit("alloc " + name + " " + std::to_string(expected) +
                                                  " " + std::to_string(next));
      if (!r.ok()) return r.status();
      return r.value() == "1";
    };
  }
  std::unique_ptr<SequenceIdGenerator> Generator(SequenceIdGeneratorOptions o = {}) {
    return std::make_unique<SequenceIdGenerator>(std::move(o), &handler_->sequence_ids(),
                                                 Allocate());
  }

  testutil::TempDir tmp_;
  std::unique_ptr<storage::DBStore> db_;
  std::unique_ptr<KvApplyHandler> handler_ = std::make_unique<KvApplyHandler>();
  std::unique_ptr<DirectReplicator> replicator_;
  std::atomic<int> allocations_{0};
};

TEST_F(SequenceIdTest, HandsOutIdsFromReservedBatches) {
  auto gen = Generator({.batch_size = 10});
  for (uint64_t want = 1; want <= 25; ++want) {
    Result<uint64_t> id = gen->GetNextId(kContainerId);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(*id, want);
  }
  EXPECT_EQ(allocations_.load(), 3);  // [1,10], [11,20], [21,30]
  EXPECT_EQ(handler_->sequence_ids().LastId(kContainerId), 30u);
  // Types are independent.
  EXPECT_EQ(*gen->GetNextId(kLocalId), 1u);
}

TEST_F(SequenceIdTest, CertificateIdsAreReservedOneAtATime) {
  auto gen = Generator();
  EXPECT_EQ(*gen->GetNextId(kCertificateId), 1u);
  EXPECT_EQ(*gen->GetNextId(kCertificateId), 2u);
  EXPECT_EQ(allocations_.load(), 2);
  EXPECT_EQ(handler_->sequence_ids().LastId(kCertificateId), 2u);
}

TEST_F(SequenceIdTest, StartsAfterTheInitialLastId) {
  auto gen = Generator({.batch_size = 100, .initial_last_id = {{kLocalId, uint64_t{1} << 40}}});
  EXPECT_EQ(*gen->GetNextId(kLocalId), (uint64_t{1} << 40) + 1);
  EXPECT_EQ(handler_->sequence_ids().LastId(kLocalId), (uint64_t{1} << 40) + 100);
}

TEST_F(SequenceIdTest, RetriesALostCompareAndSet) {
  auto gen = Generator({.batch_size = 10});
  auto other = Generator({.batch_size = 10});
  ASSERT_EQ(*gen->GetNextId(kDelTxnId), 1u);  // gen holds [1,10]
  gen->InvalidateBatch();
  // Another leader's reservation lands between gen reading the last id and its CAS.
  bool raced = false;
  SequenceIdGenerator racing(
      {.batch_size = 10}, &handler_->sequence_ids(),
      [&](const std::string& name, uint64_t expected, uint64_t next) -> Result<bool> {
        if (!raced) {
          raced = true;
          EXPECT_EQ(*other->GetNextId(name), 11u);  // other reserves [11,20]
        }
        return Allocate()(name, expected, next);
      });
  Result<uint64_t> id = racing.GetNextId(kDelTxnId);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, 21u);
  EXPECT_EQ(handler_->sequence_ids().LastId(kDelTxnId), 30u);
}

TEST_F(SequenceIdTest, GivesUpAfterMaxAttempts) {
  int calls = 0;
  SequenceIdGenerator gen({.max_attempts = 3}, &handler_->sequence_ids(),
                          [&](const std::string&, uint64_t, uint64_t) -> Result<bool> {
                            ++calls;
                            return false;
                          });
  EXPECT_TRUE(gen.GetNextId(kContainerId).status().IsBusy());
  EXPECT_EQ(calls, 3);
}

TEST_F(SequenceIdTest, NotLeaderComesBack) {
  auto gen = Generator();
  replicator_->SetLeader(false, "scm2[host2:9894]");
  Result<uint64_t> id = gen->GetNextId(kContainerId);
  ASSERT_TRUE(id.status().IsNotLeader()) << id.status();
  EXPECT_NE(id.status().message().find("scm2"), std::string::npos);
}

TEST_F(SequenceIdTest, InvalidateBatchForcesAFreshBatch) {
  auto gen = Generator({.batch_size = 10});
  EXPECT_EQ(*gen->GetNextId(kContainerId), 1u);
  gen->InvalidateBatch();
  EXPECT_EQ(*gen->GetNextId(kContainerId), 11u);  // 2..10 are skipped, never reused
  EXPECT_EQ(allocations_.load(), 2);
}

TEST_F(SequenceIdTest, InvalidatedWhileReservingUsesOnlyTheFirstId) {
  std::unique_ptr<SequenceIdGenerator> gen;
  bool invalidated = false;
  gen = std::make_unique<SequenceIdGenerator>(
      SequenceIdGeneratorOptions{.batch_size = 10}, &handler_->sequence_ids(),
      [&](const std::string& name, uint64_t expected, uint64_t next) -> Result<bool> {
        if (!invalidated) {
          invalidated = true;
          gen->InvalidateBatch();  // as on becoming leader, from the event thread: no deadlock
        }
        return Allocate()(name, expected, next);
      });
  EXPECT_EQ(*gen->GetNextId(kContainerId), 1u);
  EXPECT_EQ(*gen->GetNextId(kContainerId), 11u);
}

TEST_F(SequenceIdTest, NeverRepeatsOverFailovers) {
  std::set<uint64_t> seen;
  auto take = [&](SequenceIdGenerator& g, int n) {
    for (int i = 0; i < n; ++i) {
      Result<uint64_t> id = g.GetNextId(kLocalId);
      ASSERT_TRUE(id.ok()) << id.status();
      ASSERT_TRUE(seen.insert(*id).second) << "id " << *id << " handed out twice";
    }
  };
  auto a = Generator({.batch_size = 7});
  auto b = Generator({.batch_size = 7});
  take(*a, 3);
  b->InvalidateBatch();  // b becomes leader
  take(*b, 10);
  take(*a, 3);           // a deposed leader still using its batch: its ids are its own
  a->InvalidateBatch();  // a leads again
  take(*a, 10);
  uint64_t max_before = *seen.rbegin();
  b->InvalidateBatch();
  take(*b, 1);
  EXPECT_GT(*seen.rbegin(), max_before);  // a new leader continues after everything reserved
}

TEST_F(SequenceIdTest, NeverRepeatsAcrossRestarts) {
  std::set<uint64_t> seen;
  {
    auto gen = Generator({.batch_size = 5});
    for (int i = 0; i < 7; ++i) seen.insert(*gen->GetNextId(kContainerId));
  }
  // A restart: the state is reloaded from the database.
  handler_ = std::make_unique<KvApplyHandler>();
  ASSERT_TRUE(handler_->Reload(*db_).ok());
  replicator_ = std::make_unique<DirectReplicator>(db_.get(), handler_.get());
  EXPECT_EQ(handler_->sequence_ids().LastId(kContainerId), 10u);
  auto gen = Generator({.batch_size = 5});
  for (int i = 0; i < 7; ++i) {
    uint64_t id = *gen->GetNextId(kContainerId);
    EXPECT_TRUE(seen.insert(id).second) << id;
    EXPECT_GT(id, 10u);
  }
}

TEST_F(SequenceIdTest, ConcurrentCallersGetDistinctIds) {
  auto gen = Generator({.batch_size = 10});
  std::vector<std::vector<uint64_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) got[t].push_back(*gen->GetNextId(kLocalId));
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint64_t> all;
  for (const auto& v : got) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 800u);
  EXPECT_EQ(*all.rbegin(), 800u);  // no batch lost without invalidation
}

TEST_F(SequenceIdTest, ReservesTheNextBatchAheadWithoutGaps) {
  auto gen = Generator({.batch_size = 10, .reserve_ahead_left = 5});
  // Batches are reserved ahead in the background; the ids stay the same sequence.
  for (uint64_t want = 1; want <= 95; ++want) {
    Result<uint64_t> id = gen->GetNextId(kLocalId);
    ASSERT_TRUE(id.ok()) << id.status();
    ASSERT_EQ(*id, want);
    // Only ids of applied reservations are handed out.
    ASSERT_LE(*id, handler_->sequence_ids().LastId(kLocalId));
  }
  gen.reset();  // waits for a reservation in flight
  EXPECT_GE(handler_->sequence_ids().LastId(kLocalId), 100u);
  EXPECT_LE(handler_->sequence_ids().LastId(kLocalId), 110u);  // at most one batch ahead
}

TEST_F(SequenceIdTest, ABatchReservedAheadIsAbandonedOnInvalidation) {
  std::set<uint64_t> seen;
  auto gen = Generator({.batch_size = 10, .reserve_ahead_left = 5});
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(seen.insert(*gen->GetNextId(kContainerId)).second);
  // The next batch is reserved ahead (or being reserved) when leadership changes hands.
  gen->InvalidateBatch();
  Result<uint64_t> id = gen->GetNextId(kContainerId);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_GT(*id, 10u);  // never the rest of the first batch
  EXPECT_TRUE(seen.insert(*id).second);
  // Whatever was reserved ahead before the invalidation is skipped, never handed out.
  const uint64_t reserved_before = *id <= 20 ? 10 : 20;
  EXPECT_EQ(*id, reserved_before + 1);
}

TEST_F(SequenceIdTest, ConcurrentCallersGetDistinctIdsWithReservationsAhead) {
  auto gen = Generator({.batch_size = 10, .reserve_ahead_left = 3});
  std::vector<std::vector<uint64_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) got[t].push_back(*gen->GetNextId(kLocalId));
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint64_t> all;
  for (const auto& v : got) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 800u);
  EXPECT_EQ(*all.rbegin(), 800u);  // no batch lost without invalidation
}

TEST(SequenceIdStateTest, AllocateIsACompareAndSet) {
  testutil::TempDir tmp;
  auto db = storage::DBStore::Open(tmp.Sub("kv.db"), testing::KvDbDefinition());
  ASSERT_TRUE(db.ok());
  SequenceIdState state(testing::kKvSequenceIdTable);
  storage::WriteBatch batch;
  EXPECT_TRUE(*state.AllocateBatch(**db, batch, "x", 0, 10));
  EXPECT_FALSE(*state.AllocateBatch(**db, batch, "x", 0, 20));   // stale expectation
  EXPECT_FALSE(*state.AllocateBatch(**db, batch, "x", 10, 10));  // empty range
  EXPECT_TRUE(*state.AllocateBatch(**db, batch, "x", 10, 20));
  EXPECT_EQ(state.LastId("x"), 20u);
  ASSERT_TRUE((*db)->Commit(batch).ok());
  SequenceIdState reloaded(testing::kKvSequenceIdTable);
  ASSERT_TRUE(reloaded.Reload(**db).ok());
  EXPECT_EQ(reloaded.LastId("x"), 20u);
  EXPECT_EQ(reloaded.LastId("y"), 0u);
}

}  // namespace
}  // namespace ozone::ha
