#include "ha/raft/log/log_writer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "ha/raft/log/log_test_util.h"
#include "ha/raft/log/segmented_log.h"
#include "tests/testutil/gate.h"
#include "tests/testutil/subprocess.h"

namespace ozone::raft {
namespace {

using log_testing::IsEntry;
using log_testing::MakeEntries;
using log_testing::ReadAll;
using testutil::TempDir;

// A LogStore in front of a real one that counts calls, can hold the writer inside Sync until
// the test opens the gate (so that requests pile up deterministically), and can fail a Sync.
class GatedLogStore final : public LogStore {
 public:
  explicit GatedLogStore(LogStore* inner) : inner_(inner) {}

  // While closed, a Sync waits at the gate (AwaitHeld sees it there) until it opens.
  testutil::Gate gate;

  void FailNextSync(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    sync_failure_ = std::move(s);
  }
  int syncs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return syncs_;
  }
  int appends() const {
    std::lock_guard<std::mutex> lock(mu_);
    return appends_;
  }

  LogIndex FirstIndex() const override { return inner_->FirstIndex(); }
  LogIndex LastIndex() const override { return inner_->LastIndex(); }
  Result<Term> TermAt(LogIndex index) const override { return inner_->TermAt(index); }
  Status Read(LogIndex lo, LogIndex hi, size_t max_bytes, std::vector<Entry>* out) const override {
    return inner_->Read(lo, hi, max_bytes, out);
  }
  Status Append(const std::vector<Entry>& entries) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++appends_;
    }
    return inner_->Append(entries);
  }
  Status Sync() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++syncs_;
    }
    gate.Pass();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!sync_failure_.ok()) {
        Status s = std::move(sync_failure_);
        sync_failure_ = Status::OK();
        return s;
      }
    }
    return inner_->Sync();
  }
  Status SaveHardState(const HardState& state) override { return inner_->SaveHardState(state); }
  Status Purge(LogIndex up_to) override { return inner_->Purge(up_to); }
  Status ResetToSnapshot(const SnapshotMeta& snapshot) override {
    return inner_->ResetToSnapshot(snapshot);
  }
  Status SaveSnapshotMeta(const SnapshotMeta& snapshot) override {
    return inner_->SaveSnapshotMeta(snapshot);
  }
  Result<StoredState> LoadState() const override { return inner_->LoadState(); }

 private:
  LogStore* const inner_;
  mutable std::mutex mu_;
  int syncs_ = 0;
  int appends_ = 0;
  Status sync_failure_;
};

// Callback outcomes in the order the callbacks ran; Wait blocks until `n` ran.
class Completions {
 public:
  LogWriter::Callback Record(uint64_t id) {
    return [this, id](const Status& s) {
      std::lock_guard<std::mutex> lock(mu_);
      ids_.push_back(id);
      statuses_.push_back(s);
      cv_.notify_all();
    };
  }
  void Wait(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return ids_.size() >= n; });
  }
  std::vector<uint64_t> ids() {
    std::lock_guard<std::mutex> lock(mu_);
    return ids_;
  }
  std::vector<Status> statuses() {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<uint64_t> ids_;
  std::vector<Status> statuses_;
};

class LogWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = SegmentedLog::Open(tmp_.Sub("log"));
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(log).value();
  }

  TempDir tmp_;
  std::unique_ptr<SegmentedLog> log_;
  GatedLogStore gated_{nullptr};
};

TEST_F(LogWriterTest, PersistsInOrderAndCallsBackInOrder) {
  Completions done;
  {
    LogWriter writer(log_.get());
    for (uint64_t i = 1; i <= 1000; ++i) {
      std::optional<HardState> hs;
      if (i % 250 == 0) hs = HardState{Term(i / 250), PeerId("scm1"), LogIndex(i - 1)};
      ASSERT_TRUE(writer.Persist(hs, MakeEntries(i, i, i / 250 + 1), done.Record(i)).ok());
    }
    done.Wait(1000);
    const LogWriterStats stats = writer.stats();
    EXPECT_EQ(stats.requests, 1000u);
    EXPECT_EQ(stats.entries, 1000u);
    EXPECT_LE(stats.syncs, stats.batches);
    EXPECT_EQ(log_->stats().data_syncs - 1, stats.syncs);  // 1: the segment's creation
  }
  std::vector<uint64_t> expected(1000);
  for (uint64_t i = 0; i < 1000; ++i) expected[i] = i + 1;
  EXPECT_EQ(done.ids(), expected);
  for (const Status& s : done.statuses()) EXPECT_TRUE(s.ok()) << s;
  auto all = ReadAll(*log_, 1, 1001);
  ASSERT_EQ(all.size(), 1000u);
  for (uint64_t i = 1; i <= 1000; ++i) EXPECT_TRUE(IsEntry(all[i - 1], i, i / 250 + 1));
  EXPECT_EQ(log_->LoadState()->hard_state, (HardState{Term(4), PeerId("scm1"), LogIndex(999)}));
}

// Requests that queue while a sync is in progress are made durable together by the next one.
TEST_F(LogWriterTest, GroupCommitsQueuedRequestsWithOneSync) {
  GatedLogStore gated(log_.get());
  Completions done;
  LogWriter writer(&gated);
  const uint64_t syncs_before = log_->stats().data_syncs;
  const uint64_t writes_before = log_->stats().writes;

  gated.gate.Close();
  // The writer is idle: the first request is executed by the thread submitting it.
  std::thread first([&] {
    ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(1, 1, 1), done.Record(1)).ok());
  });
  ASSERT_TRUE(gated.gate.AwaitHeld());  // the first batch is inside its Sync

  // Four submitters; a mutex hands out indexes and submits under it, as the protocol thread
  // would, so that submission order is index order.
  std::mutex submit_mu;
  uint64_t next = 2;
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&] {
      for (int k = 0; k < 50; ++k) {
        std::lock_guard<std::mutex> lock(submit_mu);
        const uint64_t n = 1 + next % 3;
        std::optional<HardState> hs;
        if (next % 40 == 0) hs = HardState{Term(1), std::nullopt, LogIndex(next - 1)};
        ASSERT_TRUE(writer.Persist(hs, MakeEntries(next, next + n - 1, 1), done.Record(next)).ok());
        next += n;
      }
    });
  }
  for (auto& t : submitters) t.join();
  EXPECT_TRUE(done.ids().empty()) << "nothing is durable yet";
  gated.gate.Open();
  first.join();
  done.Wait(201);

  // Callbacks in submission order, all OK.
  const std::vector<uint64_t> ids = done.ids();
  ASSERT_EQ(ids.size(), 201u);
  for (size_t k = 1; k < ids.size(); ++k) ASSERT_LT(ids[k - 1], ids[k]);
  for (const Status& s : done.statuses()) EXPECT_TRUE(s.ok()) << s;
  // Two batches: the first request, then the 200 that queued behind it (on the writer thread).
  // One Sync, one write and one fdatasync each.
  EXPECT_EQ(gated.syncs(), 2);
  EXPECT_EQ(log_->stats().data_syncs - syncs_before, 2u);
  EXPECT_EQ(log_->stats().writes - writes_before, 2u);
  const LogWriterStats stats = writer.stats();
  EXPECT_EQ(stats.batches, 2u);
  EXPECT_EQ(stats.requests, 201u);
  EXPECT_EQ(stats.hard_states, 1u);  // only the latest hard state of the batch is saved
  EXPECT_EQ(log_->LastIndex(), LogIndex(next - 1));
  auto all = ReadAll(*log_, 1, next);
  ASSERT_EQ(all.size(), next - 1);
  for (uint64_t i = 1; i < next; ++i) ASSERT_TRUE(IsEntry(all[i - 1], i, 1));
}

TEST_F(LogWriterTest, LargeQueuesAreSplitIntoBatchesOfMaxBatchBytes) {
  GatedLogStore gated(log_.get());
  Completions done;
  LogWriterOptions options;
  options.max_batch_bytes = 10 * MakeEntries(1, 1, 1)[0].ByteSize();
  LogWriter writer(&gated, options);
  gated.gate.Close();
  std::thread first([&] {
    ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(1, 1, 1), done.Record(1)).ok());
  });
  ASSERT_TRUE(gated.gate.AwaitHeld());
  for (uint64_t i = 2; i <= 101; ++i) {
    ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(i, i, 1), done.Record(i)).ok());
  }
  gated.gate.Open();
  first.join();
  done.Wait(101);
  EXPECT_EQ(writer.stats().batches, 11u);  // 1, then 100 in batches of 10
  EXPECT_EQ(gated.syncs(), 11);
}

TEST_F(LogWriterTest, PurgeAndResetStayOrderedWithAppends) {
  SegmentedLogOptions options;
  options.max_segment_size = 4096;
  auto log = SegmentedLog::Open(tmp_.Sub("small"), options);
  ASSERT_TRUE(log.ok());
  GatedLogStore gated(log->get());
  Completions done;
  LogWriter writer(&gated);
  gated.gate.Close();
  std::thread first([&] {
    ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(1, 1, 1), done.Record(1)).ok());
  });
  ASSERT_TRUE(gated.gate.AwaitHeld());
  // All of these run as one batch: each only works after the one before it.
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(2, 100, 1), done.Record(2)).ok());
  ASSERT_TRUE(writer.Purge(LogIndex(100), done.Record(3)).ok());
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(101, 110, 2), done.Record(4)).ok());
  const SnapshotMeta snapshot{LogIndex(500), Term(3), Configuration{}};
  ASSERT_TRUE(writer.ResetToSnapshot(snapshot, done.Record(5)).ok());
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(501, 510, 4), done.Record(6)).ok());
  gated.gate.Open();
  first.join();
  done.Wait(6);
  for (const Status& s : done.statuses()) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(done.ids(), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ((*log)->FirstIndex(), LogIndex(501));
  EXPECT_EQ((*log)->LastIndex(), LogIndex(510));
  EXPECT_EQ(*(*log)->TermAt(LogIndex(500)), Term(3));
  EXPECT_EQ((*log)->LoadState()->snapshot, snapshot);
  EXPECT_EQ(writer.stats().batches, 2u);
}

// The first arrival leads: an idle writer's request is made durable and called back on the
// submitting thread, before Persist returns; a request arriving while a batch is in progress
// goes to the writer thread.
TEST_F(LogWriterTest, IdleWriterPersistsOnTheSubmittingThread) {
  GatedLogStore gated(log_.get());
  LogWriter writer(&gated);
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id first_ran_on, second_ran_on;
  bool first_done = false;
  ASSERT_TRUE(writer
                  .Persist(std::nullopt, MakeEntries(1, 1, 1),
                           [&](const Status& s) {
                             EXPECT_TRUE(s.ok()) << s;
                             first_ran_on = std::this_thread::get_id();
                             first_done = true;
                           })
                  .ok());
  EXPECT_TRUE(first_done) << "an isolated request completes inside Persist";
  EXPECT_EQ(first_ran_on, caller);
  EXPECT_EQ(gated.syncs(), 1);
  EXPECT_EQ(writer.stats().batches, 1u);

  gated.gate.Close();
  std::thread leader(
      [&] { ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(2, 2, 1), nullptr).ok()); });
  ASSERT_TRUE(gated.gate.AwaitHeld());
  Completions done;
  ASSERT_TRUE(writer
                  .Persist(std::nullopt, MakeEntries(3, 3, 1),
                           [&](const Status& s) {
                             second_ran_on = std::this_thread::get_id();
                             done.Record(3)(s);
                           })
                  .ok());
  EXPECT_TRUE(done.ids().empty()) << "queued behind the batch in progress";
  gated.gate.Open();
  leader.join();
  done.Wait(1);
  EXPECT_NE(second_ran_on, caller);
  EXPECT_NE(second_ran_on, std::thread::id());
  EXPECT_EQ(log_->LastIndex(), LogIndex(3));
  EXPECT_EQ(writer.stats().batches, 3u);
}

// Lead::kWriterThread: the submitter never executes a request, even when the writer is idle.
TEST_F(LogWriterTest, WriterThreadLeadLeavesTheSyncToTheWriter) {
  GatedLogStore gated(log_.get());
  LogWriter writer(&gated);
  gated.gate.Close();  // a submitter executing the request would hang in Sync
  Completions done;
  std::thread::id ran_on;
  ASSERT_TRUE(writer
                  .Persist(
                      std::nullopt, MakeEntries(1, 1, 1),
                      [&](const Status& s) {
                        ran_on = std::this_thread::get_id();
                        done.Record(1)(s);
                      },
                      LogWriter::Lead::kWriterThread)
                  .ok());
  ASSERT_TRUE(gated.gate.AwaitHeld());
  // Later requests, of either kind, queue behind it and share the next sync.
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(2, 2, 1), done.Record(2)).ok());
  ASSERT_TRUE(writer
                  .Persist(std::nullopt, MakeEntries(3, 3, 1), done.Record(3),
                           LogWriter::Lead::kWriterThread)
                  .ok());
  gated.gate.Open();
  done.Wait(3);
  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_EQ(done.ids(), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(gated.syncs(), 2);
  EXPECT_EQ(writer.stats().batches, 2u);
}

TEST_F(LogWriterTest, HardStateAloneNeedsNoLogSync) {
  Completions done;
  LogWriter writer(log_.get());
  const uint64_t syncs_before = log_->stats().data_syncs;
  ASSERT_TRUE(
      writer.Persist(HardState{Term(2), PeerId("om3"), LogIndex(0)}, {}, done.Record(1)).ok());
  done.Wait(1);
  EXPECT_EQ(log_->stats().data_syncs, syncs_before);
  EXPECT_EQ(writer.stats().syncs, 0u);
  EXPECT_EQ(log_->LoadState()->hard_state, (HardState{Term(2), PeerId("om3"), LogIndex(0)}));
}

TEST_F(LogWriterTest, StopDrainsWhatWasSubmitted) {
  Completions done;
  {
    LogWriter writer(log_.get());
    for (uint64_t i = 1; i <= 300; ++i) {
      ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(i, i, 1), done.Record(i)).ok());
    }
    writer.Stop();
    EXPECT_EQ(done.ids().size(), 300u);  // every callback ran before Stop returned
    EXPECT_TRUE(
        writer.Persist(std::nullopt, MakeEntries(301, 301, 1), done.Record(301)).IsAborted());
    writer.Stop();  // idempotent
  }
  for (const Status& s : done.statuses()) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(log_->LastIndex(), LogIndex(300));
}

TEST_F(LogWriterTest, StopAbortFailsQueuedRequests) {
  GatedLogStore gated(log_.get());
  Completions done;
  LogWriter writer(&gated);
  gated.gate.Close();
  std::thread first([&] {
    ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(1, 1, 1), done.Record(1)).ok());
  });
  ASSERT_TRUE(gated.gate.AwaitHeld());
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(2, 2, 1), done.Record(2)).ok());
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(3, 3, 1), done.Record(3)).ok());
  std::thread stopper([&] { writer.Stop(LogWriter::StopMode::kAbort); });
  // Stop has begun once submissions are refused; requests accepted until then are aborted too.
  uint64_t next = 4;
  while (writer.Persist(std::nullopt, MakeEntries(next, next, 1), done.Record(next)).ok()) ++next;
  gated.gate.Open();
  first.join();
  stopper.join();
  const auto statuses = done.statuses();
  ASSERT_EQ(statuses.size(), next - 1);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0];  // the batch in progress completes
  for (size_t k = 1; k < statuses.size(); ++k) EXPECT_TRUE(statuses[k].IsAborted());
  EXPECT_EQ(log_->LastIndex(), LogIndex(1));
}

TEST_F(LogWriterTest, FailureFailsTheBatchAndEverythingAfter) {
  GatedLogStore gated(log_.get());
  Completions done;
  LogWriter writer(&gated);
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(1, 1, 1), done.Record(1)).ok());
  done.Wait(1);
  gated.FailNextSync(Status::IoError("disk on fire"));
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(2, 2, 1), done.Record(2)).ok());
  done.Wait(2);
  ASSERT_TRUE(writer.Persist(std::nullopt, MakeEntries(3, 3, 1), done.Record(3)).ok());
  ASSERT_TRUE(writer.Purge(LogIndex(1), done.Record(4)).ok());
  done.Wait(4);
  const auto statuses = done.statuses();
  EXPECT_TRUE(statuses[0].ok());
  for (size_t k = 1; k < 4; ++k) {
    EXPECT_TRUE(statuses[k].IsIoError()) << statuses[k];
    EXPECT_EQ(statuses[k].message(), "disk on fire");
  }
  EXPECT_EQ(gated.appends(), 2) << "nothing is attempted after a failure";
}

TEST_F(LogWriterTest, CallbacksMaySubmitAgain) {
  Completions done;
  LogWriter writer(log_.get());
  std::function<void(uint64_t)> chain = [&](uint64_t i) {
    ASSERT_TRUE(writer
                    .Persist(std::nullopt, MakeEntries(i, i, 1),
                             [&, i](const Status& s) {
                               done.Record(i)(s);
                               if (i < 20) chain(i + 1);
                             })
                    .ok());
  };
  chain(1);
  done.Wait(20);
  EXPECT_EQ(log_->LastIndex(), LogIndex(20));
}

}  // namespace
}  // namespace ozone::raft
