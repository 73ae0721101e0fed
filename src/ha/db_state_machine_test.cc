#include "ha/db_state_machine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/io/file_util.h"
#include "ha/testing/kv_apply_handler.h"
#include "rpc/framed_server.h"
#include "tests/testutil/subprocess.h"

namespace ozone::ha {
namespace {

using namespace std::chrono_literals;
using testing::KvApplyHandler;
using testing::KvDbDefinition;
using testing::ReadKvTable;
using testing::ReadStoredTransactionInfo;
using testutil::TempDir;
namespace fs = std::filesystem;

raft::Entry Normal(uint64_t term, uint64_t index, std::string command) {
  return raft::Entry{Term(term), LogIndex(index), raft::EntryType::kNormal,
                     raft::MakePayload(std::move(command))};
}
raft::Entry Noop(uint64_t term, uint64_t index) {
  return raft::Entry{Term(term), LogIndex(index), raft::EntryType::kNoop, nullptr};
}
raft::Entry Config(uint64_t term, uint64_t index) {
  return raft::Entry{Term(term), LogIndex(index), raft::EntryType::kConfig,
                     raft::MakePayload("config bytes")};
}
TransactionInfo Ti(uint64_t term, uint64_t index) { return {Term(term), LogIndex(index)}; }

raft::Event RoleEvent(raft::Role role, uint64_t term) {
  raft::Event e;
  e.type = raft::Event::Type::kRoleChanged;
  e.role = role;
  e.term = Term(term);
  return e;
}

// Installs the checkpoint another DbStateMachine creates, in process.
class LocalFetcher : public CheckpointFetcher {
 public:
  explicit LocalFetcher(DbStateMachine** source) : source_(source) {}
  Result<TransactionInfo> Fetch(const raft::PeerInfo&, const std::string& dest_dir) override {
    ++fetches;
    if (override_dir) {
      // A "checkpoint" that is not the source's database.
      OZ_RETURN_IF_ERROR(io::CreateDirectories(dest_dir));
      OZ_RETURN_IF_ERROR(io::WriteFileAtomically(dest_dir + "/garbage", "not a database"));
      return *override_ti;
    }
    return (*source_)->CreateCheckpoint(dest_dir);
  }
  int fetches = 0;
  bool override_dir = false;
  std::optional<TransactionInfo> override_ti;

 private:
  DbStateMachine** source_;
};

class DbStateMachineTest : public ::testing::Test {
 protected:
  DbStateMachineOptions Options(const std::string& name) {
    DbStateMachineOptions o;
    o.db_path = tmp_.Sub(name + "/kv.db");
    o.definition = &KvDbDefinition();
    o.transaction_info_table = testing::kKvTransactionInfoTable;
    o.sync = false;
    o.on_fatal = [this](const Status& s) { fatal_.push_back(s); };
    return o;
  }
  std::unique_ptr<DbStateMachine> Open(DbStateMachineOptions o, KvApplyHandler* handler,
                                       std::unique_ptr<CheckpointFetcher> fetcher = nullptr) {
    auto sm = DbStateMachine::Open(std::move(o), handler, std::move(fetcher), &clock_);
    EXPECT_TRUE(sm.ok()) << sm.status();
    return sm.ok() ? std::move(sm).value() : nullptr;
  }
  static KvApplyHandler::Map Table(DbStateMachine& sm) { return *ReadKvTable(*sm.db()); }
  static TransactionInfo Stored(DbStateMachine& sm) { return *ReadStoredTransactionInfo(*sm.db()); }

  TempDir tmp_;
  ManualClock clock_;
  std::vector<Status> fatal_;
};

TEST_F(DbStateMachineTest, AppliesIntoTheBufferAndFlushesWithTheTransactionInfo) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  EXPECT_EQ(h.reloads(), 1u);
  EXPECT_EQ(sm->LastAppliedIndex(), LogIndex(0));
  Result<std::string> r = sm->Apply(Normal(1, 1, "put a 1"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "");
  EXPECT_EQ(*sm->Apply(Normal(1, 2, "put b 2")), "");
  EXPECT_EQ(*sm->Apply(Normal(1, 3, "put a 3")), "1");

  // Applied in memory, not yet in the database.
  EXPECT_EQ(h.Get("a"), "3");
  EXPECT_EQ(sm->applied(), Ti(1, 3));
  EXPECT_EQ(sm->flushed(), Ti(0, 0));
  EXPECT_TRUE(Table(*sm).empty());
  EXPECT_EQ(Stored(*sm), Ti(0, 0));

  ASSERT_TRUE(sm->Flush().ok());
  EXPECT_EQ(Table(*sm), (KvApplyHandler::Map{{"a", "3"}, {"b", "2"}}));
  EXPECT_EQ(Stored(*sm), Ti(1, 3));
  EXPECT_EQ(sm->flushed(), Ti(1, 3));
  EXPECT_EQ(h.flushes(), 1u);
  // Nothing pending: no second commit.
  ASSERT_TRUE(sm->Flush().ok());
  EXPECT_EQ(h.flushes(), 1u);
}

TEST_F(DbStateMachineTest, NoopAndConfigEntriesOnlyAdvanceTheTransactionInfo) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  ASSERT_TRUE(sm->Apply(Noop(2, 1)).ok());
  ASSERT_TRUE(sm->Apply(Config(2, 2)).ok());
  EXPECT_EQ(h.applies(), 0u);
  EXPECT_EQ(sm->applied(), Ti(2, 2));
  ASSERT_TRUE(sm->Flush().ok());
  EXPECT_EQ(Stored(*sm), Ti(2, 2));
}

TEST_F(DbStateMachineTest, FlushesAfterMaxPendingEntries) {
  KvApplyHandler h;
  DbStateMachineOptions o = Options("a");
  o.max_pending_entries = 3;
  auto sm = Open(o, &h);
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  ASSERT_TRUE(sm->Apply(Noop(1, 2)).ok());
  EXPECT_EQ(sm->flushed(), Ti(0, 0));
  ASSERT_TRUE(sm->Apply(Normal(1, 3, "put b 1")).ok());
  EXPECT_EQ(sm->flushed(), Ti(1, 3));
  EXPECT_EQ(Stored(*sm), Ti(1, 3));
  EXPECT_EQ(Table(*sm).size(), 2u);
}

TEST_F(DbStateMachineTest, FlushesWhenTheHandlerAsks) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  ASSERT_TRUE(sm->Apply(Normal(1, 2, "putflush b 2")).ok());
  EXPECT_EQ(sm->flushed(), Ti(1, 2));
  EXPECT_EQ(Table(*sm), (KvApplyHandler::Map{{"a", "1"}, {"b", "2"}}));
}

TEST_F(DbStateMachineTest, TakeSnapshotFlushesAndReportsTheIndex) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  ASSERT_TRUE(sm->Apply(Normal(1, 2, "put a 2")).ok());
  Result<LogIndex> covered = sm->TakeSnapshot();
  ASSERT_TRUE(covered.ok()) << covered.status();
  EXPECT_EQ(*covered, LogIndex(2));
  EXPECT_EQ(Stored(*sm), Ti(1, 2));
}

TEST_F(DbStateMachineTest, FlushIfNeededWaitsForTheInterval) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  ASSERT_TRUE(sm->FlushIfNeeded(1min).ok());  // nothing pending
  clock_.Advance(2min);
  ASSERT_TRUE(sm->FlushIfNeeded(1min).ok());
  EXPECT_EQ(h.flushes(), 0u);

  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  ASSERT_TRUE(sm->FlushIfNeeded(1min).ok());  // the last flush (open) is 2 min old
  EXPECT_EQ(sm->flushed(), Ti(1, 1));

  ASSERT_TRUE(sm->Apply(Normal(1, 2, "put a 2")).ok());
  clock_.Advance(59s);
  ASSERT_TRUE(sm->FlushIfNeeded(1min).ok());
  EXPECT_EQ(sm->flushed(), Ti(1, 1));
  clock_.Advance(1s);
  ASSERT_TRUE(sm->FlushIfNeeded(1min).ok());
  EXPECT_EQ(sm->flushed(), Ti(1, 2));
}

TEST_F(DbStateMachineTest, FlushesOnLeadershipChangesBeforeTellingTheListener) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  std::vector<std::pair<raft::Event::Type, TransactionInfo>> seen;
  sm->SetEventListener([&](const raft::Event& e) { seen.emplace_back(e.type, sm->flushed()); });

  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  sm->OnEvent(RoleEvent(raft::Role::kCandidate, 2));  // not a leadership change
  EXPECT_EQ(sm->flushed(), Ti(0, 0));
  sm->OnEvent(RoleEvent(raft::Role::kLeader, 2));
  EXPECT_EQ(sm->flushed(), Ti(1, 1));

  ASSERT_TRUE(sm->Apply(Normal(2, 2, "put a 2")).ok());
  raft::Event ready;
  ready.type = raft::Event::Type::kLeaderReady;
  sm->OnEvent(ready);
  EXPECT_EQ(sm->flushed(), Ti(1, 1));
  sm->OnEvent(RoleEvent(raft::Role::kFollower, 3));  // stepped down
  EXPECT_EQ(sm->flushed(), Ti(2, 2));

  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].second, Ti(0, 0));
  EXPECT_EQ(seen[1].second, Ti(1, 1));  // the listener sees the flush done
  EXPECT_EQ(seen[2].first, raft::Event::Type::kLeaderReady);
  EXPECT_EQ(seen[3].second, Ti(2, 2));
  EXPECT_TRUE(fatal_.empty());
}

TEST_F(DbStateMachineTest, CreateCheckpointFlushesFirst) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  ASSERT_TRUE(sm->Apply(Normal(3, 7, "put a 1")).ok());
  Result<TransactionInfo> ti = sm->CreateCheckpoint(tmp_.Sub("checkpoint"));
  ASSERT_TRUE(ti.ok()) << ti.status();
  EXPECT_EQ(*ti, Ti(3, 7));
  auto copy = storage::DBStore::Open(tmp_.Sub("checkpoint"), KvDbDefinition());
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(*ReadStoredTransactionInfo(**copy), Ti(3, 7));
  EXPECT_EQ((*ReadKvTable(**copy)).at("a"), "1");
}

TEST_F(DbStateMachineTest, RestartResumesFromTheStoredTransactionInfo) {
  DbStateMachineOptions o = Options("a");
  {
    KvApplyHandler h;
    auto sm = Open(o, &h);
    for (uint64_t i = 1; i <= 5; ++i) {
      ASSERT_TRUE(sm->Apply(Normal(1, i, "put k" + std::to_string(i) + " v")).ok());
    }
    ASSERT_TRUE(sm->Flush().ok());
    // Applied but never flushed: lost with the process, replayed from the log.
    ASSERT_TRUE(sm->Apply(Normal(1, 6, "put k6 v")).ok());
    ASSERT_TRUE(sm->Apply(Normal(2, 7, "del k1")).ok());
  }  // a crash: closing does not flush
  KvApplyHandler h;
  auto sm = Open(o, &h);
  EXPECT_EQ(sm->LastAppliedIndex(), LogIndex(5));
  EXPECT_EQ(sm->applied(), Ti(1, 5));
  EXPECT_EQ(h.data().size(), 5u);  // reloaded from the database
  EXPECT_EQ(h.Get("k6"), std::nullopt);

  // The server hands out the log after the applied index again.
  ASSERT_TRUE(sm->Apply(Normal(1, 6, "put k6 v")).ok());
  ASSERT_TRUE(sm->Apply(Normal(2, 7, "del k1")).ok());
  EXPECT_EQ(h.Get("k1"), std::nullopt);
  EXPECT_EQ(h.Get("k6"), "v");
  ASSERT_TRUE(sm->Flush().ok());
  EXPECT_EQ(Stored(*sm), Ti(2, 7));
}

TEST_F(DbStateMachineTest, EntriesTheDatabaseHoldsAreSkipped) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  ASSERT_TRUE(sm->Apply(Normal(1, 2, "put a 2")).ok());
  ASSERT_TRUE(sm->Apply(Normal(1, 2, "put a 3")).ok());
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 4")).ok());
  EXPECT_EQ(h.Get("a"), "2");
  EXPECT_EQ(h.applies(), 2u);
  EXPECT_EQ(sm->applied(), Ti(1, 2));
}

TEST_F(DbStateMachineTest, AHandlerFailureStopsTheStateMachine) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  Result<std::string> r = sm->Apply(Normal(1, 2, "fail"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsIoError()) << r.status();
  // Nothing more is applied or committed: the buffer may hold part of the failed entry.
  EXPECT_FALSE(sm->Apply(Normal(1, 3, "put b 1")).ok());
  EXPECT_FALSE(sm->Flush().ok());
  EXPECT_FALSE(sm->TakeSnapshot().ok());
  EXPECT_FALSE(sm->CreateCheckpoint(tmp_.Sub("checkpoint")).ok());
  EXPECT_EQ(Stored(*sm), Ti(0, 0));
  EXPECT_TRUE(Table(*sm).empty());
}

// Applies `n` puts after the applied index.
void ApplyPuts(DbStateMachine& sm, uint64_t term, int n, const std::string& prefix) {
  for (int i = 0; i < n; ++i) {
    LogIndex next = sm.applied().index + 1;
    ASSERT_TRUE(
        sm.Apply(Normal(term, next.value(),
                        "put " + prefix + std::to_string(i) + " " + std::to_string(next.value())))
            .ok());
  }
}

raft::SnapshotMeta Meta(LogIndex index) { return raft::SnapshotMeta{index, Term(1), {}}; }

TEST_F(DbStateMachineTest, InstallsACheckpointAndReloads) {
  KvApplyHandler lh, fh;
  auto leader = Open(Options("leader"), &lh);
  DbStateMachine* source = leader.get();
  auto follower = Open(Options("follower"), &fh, std::make_unique<LocalFetcher>(&source));
  ApplyPuts(*leader, 1, 20, "k");
  ApplyPuts(*follower, 1, 3, "old");
  ASSERT_TRUE(follower->Flush().ok());

  Status s = follower->InstallSnapshot(Meta(LogIndex(15)), raft::PeerInfo{"leader", "", {}});
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(follower->applied(), Ti(1, 20));
  EXPECT_EQ(follower->LastAppliedIndex(), LogIndex(20));
  EXPECT_EQ(fh.reloads(), 2u);
  EXPECT_EQ(fh.data(), lh.data());
  EXPECT_EQ(Table(*follower), Table(*leader));
  // No backup, marker or download left behind.
  EXPECT_TRUE(fs::is_empty(follower->snapshot_dir()));
  // It goes on from there.
  ASSERT_TRUE(follower->Apply(Normal(1, 21, "put after 1")).ok());
  EXPECT_EQ(fh.Get("after"), "1");
}

TEST_F(DbStateMachineTest, RefusesACheckpointOlderThanWhatIsApplied) {
  KvApplyHandler lh, fh;
  auto leader = Open(Options("leader"), &lh);
  DbStateMachine* source = leader.get();
  auto follower = Open(Options("follower"), &fh, std::make_unique<LocalFetcher>(&source));
  ApplyPuts(*leader, 1, 5, "k");
  ApplyPuts(*follower, 1, 8, "mine");
  Status s = follower->InstallSnapshot(Meta(LogIndex(5)), raft::PeerInfo{"leader", "", {}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("checkpoint is too old to install"), std::string::npos) << s;
  EXPECT_EQ(follower->applied(), Ti(1, 8));
  EXPECT_EQ(fh.data().size(), 8u);
  EXPECT_EQ(fh.reloads(), 1u);
  EXPECT_TRUE(fs::is_empty(follower->snapshot_dir()));
}

TEST_F(DbStateMachineTest, RefusesACheckpointOlderThanTheAnnouncedSnapshot) {
  KvApplyHandler lh, fh;
  auto leader = Open(Options("leader"), &lh);
  DbStateMachine* source = leader.get();
  auto follower = Open(Options("follower"), &fh, std::make_unique<LocalFetcher>(&source));
  ApplyPuts(*leader, 1, 5, "k");
  Status s = follower->InstallSnapshot(Meta(LogIndex(9)), raft::PeerInfo{"leader", "", {}});
  EXPECT_NE(s.message().find("checkpoint is too old to install"), std::string::npos) << s;
}

TEST_F(DbStateMachineTest, AFailedInstallRestoresTheOldDatabase) {
  KvApplyHandler fh;
  DbStateMachine* none = nullptr;
  auto fetcher = std::make_unique<LocalFetcher>(&none);
  fetcher->override_dir = true;
  fetcher->override_ti = Ti(5, 100);
  auto follower = Open(Options("follower"), &fh, std::move(fetcher));
  ApplyPuts(*follower, 1, 4, "mine");
  ASSERT_TRUE(follower->Flush().ok());
  ApplyPuts(*follower, 1, 2, "pending");  // applied, not flushed

  Status s = follower->InstallSnapshot(Meta(LogIndex(50)), raft::PeerInfo{"leader", "", {}});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(fatal_.empty());
  // The old database is back, at what it had flushed; the log is replayed from there.
  EXPECT_EQ(follower->applied(), Ti(1, 4));
  EXPECT_EQ(Table(*follower).size(), 4u);
  EXPECT_EQ(fh.data().size(), 4u);
  EXPECT_TRUE(fs::is_empty(follower->snapshot_dir()));
  ApplyPuts(*follower, 1, 1, "again");
  EXPECT_EQ(follower->applied(), Ti(1, 5));
}

// Fails every Reload after the first `ok_reloads`.
class FlakyReloadHandler : public KvApplyHandler {
 public:
  Status Reload(storage::DBStore& db) override {
    if (ok_reloads-- > 0) return KvApplyHandler::Reload(db);
    return Status::IoError("reload failed");
  }
  int ok_reloads = 1;
};

TEST_F(DbStateMachineTest, AnInstallThatCannotRestoreIsFatal) {
  KvApplyHandler lh;
  FlakyReloadHandler fh;
  auto leader = Open(Options("leader"), &lh);
  DbStateMachine* source = leader.get();
  auto follower = Open(Options("follower"), &fh, std::make_unique<LocalFetcher>(&source));
  ApplyPuts(*leader, 1, 5, "k");
  Status s = follower->InstallSnapshot(Meta(LogIndex(5)), raft::PeerInfo{"leader", "", {}});
  ASSERT_FALSE(s.ok());
  ASSERT_EQ(fatal_.size(), 1u);
  EXPECT_EQ(fatal_[0], s);
  EXPECT_FALSE(follower->Apply(Normal(1, 6, "put a 1")).ok());
}

TEST_F(DbStateMachineTest, OpenFinishesAnInterruptedInstall) {
  DbStateMachineOptions o = Options("a");
  {
    KvApplyHandler h;
    auto sm = Open(o, &h);
    ApplyPuts(*sm, 1, 3, "k");
    ASSERT_TRUE(sm->Flush().ok());
  }
  // A crash after the database was moved aside, before the checkpoint took its place.
  std::string snapshots = o.db_path + ".snapshots";
  std::string backup = snapshots + "/kv.db.backup.3_1";
  fs::rename(o.db_path, backup);
  ASSERT_TRUE(io::WriteFileAtomically(snapshots + "/kv.db.install-in-progress", backup).ok());
  ASSERT_TRUE(io::CreateDirectories(snapshots + "/kv.db-leader-1-1").ok());  // a download

  KvApplyHandler h;
  auto sm = Open(o, &h);
  EXPECT_EQ(sm->applied(), Ti(1, 3));
  EXPECT_EQ(h.data().size(), 3u);
  EXPECT_TRUE(fs::is_empty(snapshots));
}

TEST_F(DbStateMachineTest, InstallWithoutAFetcherFails) {
  KvApplyHandler h;
  auto sm = Open(Options("a"), &h);
  EXPECT_FALSE(sm->InstallSnapshot(Meta(LogIndex(5)), raft::PeerInfo{"leader", "", {}}).ok());
}

// ---- double buffer (OM) --------------------------------------------------------------------------

TEST_F(DbStateMachineTest, DoubleBufferFlushesInTheBackground) {
  KvApplyHandler h;
  DbStateMachineOptions o = Options("db");
  o.double_buffer = true;
  auto sm = Open(o, &h);
  for (uint64_t i = 1; i <= 200; ++i) {
    ASSERT_TRUE(sm->Apply(Normal(1, i, "put k" + std::to_string(i) + " v")).ok());
  }
  // The flush thread catches up without being asked.
  for (int i = 0; i < 2000 && sm->flushed() != Ti(1, 200); ++i) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(sm->flushed(), Ti(1, 200));
  EXPECT_EQ(Stored(*sm), Ti(1, 200));
  EXPECT_EQ(Table(*sm).size(), 200u);
  FlushStats stats = sm->flush_stats();
  EXPECT_EQ(stats.flushed_entries, 200u);
  EXPECT_GE(stats.flushes, 1u);
  EXPECT_LE(stats.max_entries_in_flush, 200u);
  EXPECT_EQ(h.flushes(), stats.flushes);
}

// Waits (bounded) until `done` holds.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 10'000 && !done(); ++i) std::this_thread::sleep_for(1ms);
  return done();
}

TEST_F(DbStateMachineTest, DoubleBufferGathersEntriesBeforeACommit) {
  KvApplyHandler h;
  DbStateMachineOptions o = Options("db");
  o.double_buffer = true;
  o.max_pending_entries = 12;               // a quarter, 3 entries, ends the gathering at once
  o.flush_gather = std::chrono::minutes(1);  // never reached here
  auto sm = Open(o, &h);
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  ASSERT_TRUE(Eventually([&] { return sm->gathering(); }));
  EXPECT_EQ(sm->flush_stats().flushes, 0u);
  EXPECT_EQ(h.data().at("a"), "1");  // applied (what a client is answered on), not committed
  ASSERT_TRUE(sm->Apply(Normal(1, 2, "put b 2")).ok());
  ASSERT_TRUE(sm->Apply(Normal(1, 3, "put c 3")).ok());
  ASSERT_TRUE(Eventually([&] { return sm->flushed() == Ti(1, 3); }));
  EXPECT_EQ(sm->flush_stats().flushes, 1u);
  EXPECT_EQ(sm->flush_stats().max_entries_in_flush, 3u);

  // A synchronous flush does not wait for the gathering; the thread then finds nothing to do.
  ASSERT_TRUE(sm->Apply(Normal(1, 4, "put d 4")).ok());
  ASSERT_TRUE(Eventually([&] { return sm->gathering(); }));
  ASSERT_TRUE(sm->Flush().ok());
  EXPECT_EQ(Stored(*sm), Ti(1, 4));
  // Closing while it gathers returns at once (the wait is a minute).
  sm.reset();
  EXPECT_TRUE(fatal_.empty());
}

// The flush thread's commit must not take the CPU from the answers to the entries Raft just
// applied: once the server tells the end of its apply batches, the entries of a batch wake the
// thread at that end, together.
TEST_F(DbStateMachineTest, DoubleBufferIsWokenAtTheEndOfAnAppliedBatch) {
  KvApplyHandler h;
  DbStateMachineOptions o = Options("db");
  o.double_buffer = true;
  auto sm = Open(o, &h);
  // Applied by a caller that does not tell batches (the tests above), an entry wakes it itself.
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  EXPECT_EQ(sm->flush_stats().wakeups, 1u);
  ASSERT_TRUE(Eventually([&] { return sm->flushed() == Ti(1, 1); }));
  sm->OnAppliedBatch();                      // what RaftServer calls after each batch
  EXPECT_EQ(sm->flush_stats().wakeups, 1u);  // it had woken the thread already

  ASSERT_TRUE(sm->Apply(Normal(1, 2, "put b 2")).ok());
  ASSERT_TRUE(sm->Apply(Normal(1, 3, "put c 3")).ok());
  EXPECT_EQ(sm->flush_stats().wakeups, 1u);  // not yet
  sm->OnAppliedBatch();
  EXPECT_EQ(sm->flush_stats().wakeups, 2u);
  ASSERT_TRUE(Eventually([&] { return sm->flushed() == Ti(1, 3); }));
  sm->OnAppliedBatch();  // nothing applied since: no wake-up
  EXPECT_EQ(sm->flush_stats().wakeups, 2u);
  EXPECT_TRUE(fatal_.empty());
}

TEST_F(DbStateMachineTest, AnAppliedBatchHoldsTheFramedRepliesOfItsThreadUntilItEnds) {
  KvApplyHandler h;
  auto sm = Open(Options("db"), &h);
  EXPECT_FALSE(rpc::InFramedReplyBatch());
  sm->OnApplyingBatch();  // what RaftServer calls before each batch
  EXPECT_TRUE(rpc::InFramedReplyBatch());
  ASSERT_TRUE(sm->Apply(Normal(1, 1, "put a 1")).ok());
  sm->OnAppliedBatch();
  EXPECT_FALSE(rpc::InFramedReplyBatch());
  EXPECT_TRUE(fatal_.empty());
}

TEST_F(DbStateMachineTest, DoubleBufferBackPressureAndSnapshots) {
  KvApplyHandler lh, fh;
  DbStateMachineOptions lo = Options("leader");
  lo.double_buffer = true;
  lo.max_pending_entries = 2;
  auto leader = Open(lo, &lh);
  for (uint64_t i = 1; i <= 50; ++i) {
    ASSERT_TRUE(leader->Apply(Normal(1, i, "put k" + std::to_string(i) + " v")).ok());
  }
  EXPECT_LE(leader->flush_stats().max_entries_in_flush, 2u);
  EXPECT_EQ(*leader->TakeSnapshot(), LogIndex(50));
  // A double-buffered follower installs the leader's checkpoint and goes on.
  DbStateMachine* source = leader.get();
  DbStateMachineOptions fo = Options("follower");
  fo.double_buffer = true;
  auto follower = Open(fo, &fh, std::make_unique<LocalFetcher>(&source));
  ASSERT_TRUE(follower->Apply(Normal(1, 1, "put old 1")).ok());
  ASSERT_TRUE(follower->InstallSnapshot(Meta(LogIndex(50)), raft::PeerInfo{"leader", "", {}}).ok());
  EXPECT_EQ(fh.data(), lh.data());
  ASSERT_TRUE(follower->Apply(Normal(1, 51, "put after 1")).ok());
  ASSERT_TRUE(follower->Flush().ok());
  EXPECT_EQ(Stored(*follower), Ti(1, 51));
}

}  // namespace
}  // namespace ozone::ha
