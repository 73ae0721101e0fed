#include "ha/raft/log/segmented_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <thread>

#include "ha/raft/configuration_codec.h"
#include "ha/raft/log/log_test_util.h"
#include "ha/raft/log/log_writer.h"
#include "tests/testutil/subprocess.h"

namespace ozone::raft {
namespace {

namespace fs = std::filesystem;
using log_testing::DataFor;
using log_testing::IsEntry;
using log_testing::MakeEntries;
using log_testing::MakeEntry;
using log_testing::ReadAll;
using log_testing::SegmentFiles;
using testutil::TempDir;

Configuration ThreePeers(const std::string& suffix = "") {
  return Configuration{{PeerInfo{"scm1", "host1:9894" + suffix, PeerRole::kVoter},
                        PeerInfo{"scm2", "host2:9894", PeerRole::kVoter},
                        PeerInfo{"scm3", "host3:9894", PeerRole::kLearner}}};
}

Entry ConfigEntry(uint64_t index, uint64_t term, const Configuration& config) {
  return Entry{Term(term), LogIndex(index), EntryType::kConfig,
               MakePayload(EncodeConfiguration(config))};
}

class SegmentedLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<SegmentedLog> OpenLog(SegmentedLogOptions options = {}) {
    auto log = SegmentedLog::Open(dir_, options);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(log).value() : nullptr;
  }
  // Small segments and no cache, so that rollovers happen and reads go to the files.
  static SegmentedLogOptions SmallSegments() {
    SegmentedLogOptions o;
    o.max_segment_size = 4096;
    o.preallocate_size = 1024;
    o.cache_bytes = 0;
    return o;
  }

  TempDir tmp_;
  std::string dir_ = tmp_.Sub("raft-log");
};

TEST_F(SegmentedLogTest, FreshLogIsEmpty) {
  auto log = OpenLog();
  EXPECT_EQ(log->FirstIndex(), LogIndex(1));
  EXPECT_EQ(log->LastIndex(), LogIndex(0));
  EXPECT_EQ(*log->TermAt(LogIndex(0)), Term(0));
  EXPECT_TRUE(log->TermAt(LogIndex(1)).status().IsNotFound());
  std::vector<Entry> out;
  EXPECT_TRUE(log->Read(LogIndex(1), LogIndex(1), 100, &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(log->Read(LogIndex(1), LogIndex(2), 100, &out).IsNotFound());
  auto state = log->LoadState();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->hard_state, HardState{});
  EXPECT_EQ(state->snapshot, SnapshotMeta{});
  EXPECT_TRUE(state->config_entries.empty());
  EXPECT_EQ(SegmentFiles(dir_), std::vector<std::string>{"log_inprogress_1"});
}

TEST_F(SegmentedLogTest, AppendReadReopenRoundTrip) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->Append(MakeEntries(1, 50, 1)).ok());
    ASSERT_TRUE(log->Append(MakeEntries(51, 100, 3)).ok());
    std::vector<Entry> empty_data{Entry{Term(3), LogIndex(101), EntryType::kNoop, nullptr}};
    ASSERT_TRUE(log->Append(empty_data).ok());
    ASSERT_TRUE(log->Sync().ok());
    EXPECT_EQ(log->LastIndex(), LogIndex(101));
    auto all = ReadAll(*log, 1, 101);
    ASSERT_EQ(all.size(), 100u);
    for (uint64_t i = 1; i <= 100; ++i) EXPECT_TRUE(IsEntry(all[i - 1], i, i <= 50 ? 1 : 3));
  }
  auto log = OpenLog();
  EXPECT_EQ(log->FirstIndex(), LogIndex(1));
  EXPECT_EQ(log->LastIndex(), LogIndex(101));
  auto all = ReadAll(*log, 1, 102);
  ASSERT_EQ(all.size(), 101u);
  for (uint64_t i = 1; i <= 100; ++i) EXPECT_TRUE(IsEntry(all[i - 1], i, i <= 50 ? 1 : 3));
  EXPECT_EQ(all[100].type, EntryType::kNoop);
  EXPECT_TRUE(all[100].bytes().empty());
  EXPECT_EQ(*log->TermAt(LogIndex(0)), Term(0));
  EXPECT_EQ(*log->TermAt(LogIndex(50)), Term(1));
  EXPECT_EQ(*log->TermAt(LogIndex(51)), Term(3));
  EXPECT_EQ(*log->TermAt(LogIndex(101)), Term(3));
  EXPECT_TRUE(log->TermAt(LogIndex(102)).status().IsNotFound());
  // Appending continues after a reopen.
  ASSERT_TRUE(log->Append(MakeEntries(102, 110, 4)).ok());
  ASSERT_TRUE(log->Sync().ok());
  EXPECT_TRUE(IsEntry(ReadAll(*log, 110, 111)[0], 110, 4));
}

TEST_F(SegmentedLogTest, ReadStopsAtMaxBytesAfterAtLeastOneEntry) {
  for (const SegmentedLogOptions& options : {SegmentedLogOptions{}, SmallSegments()}) {
    fs::remove_all(dir_);
    auto log = OpenLog(options);
    ASSERT_TRUE(log->Append(MakeEntries(1, 30, 1)).ok());
    ASSERT_TRUE(log->Sync().ok());
    const size_t entry_bytes = MakeEntry(1, 1).ByteSize();
    std::vector<Entry> out;
    ASSERT_TRUE(log->Read(LogIndex(1), LogIndex(31), 1, &out).ok());
    EXPECT_EQ(out.size(), 1u);
    out.clear();
    ASSERT_TRUE(log->Read(LogIndex(5), LogIndex(31), 3 * entry_bytes, &out).ok());
    ASSERT_EQ(out.size(), 3u);  // the sum reaches max_bytes with the third
    EXPECT_TRUE(IsEntry(out[2], 7, 1));
    out.clear();
    ASSERT_TRUE(log->Read(LogIndex(5), LogIndex(31), 3 * entry_bytes + 1, &out).ok());
    EXPECT_EQ(out.size(), 4u);
    out.clear();
    ASSERT_TRUE(log->Read(LogIndex(1), LogIndex(31), SIZE_MAX, &out).ok());
    EXPECT_EQ(out.size(), 30u);
  }
}

TEST_F(SegmentedLogTest, ReadsOutsideTheLogAreNotFound) {
  auto log = OpenLog(SmallSegments());
  ASSERT_TRUE(log->Append(MakeEntries(1, 100, 1)).ok());
  ASSERT_TRUE(log->Sync().ok());
  ASSERT_TRUE(log->Purge(LogIndex(50)).ok());
  const LogIndex first = log->FirstIndex();
  ASSERT_GT(first, LogIndex(1));
  std::vector<Entry> out;
  EXPECT_TRUE(log->Read(first - 1, first + 1, 1000, &out).IsNotFound());
  EXPECT_TRUE(log->Read(LogIndex(100), LogIndex(102), 1000, &out).IsNotFound());
  EXPECT_TRUE(log->Read(LogIndex(1000), LogIndex(1001), 1000, &out).IsNotFound());
  EXPECT_TRUE(log->TermAt(first - 2).status().IsNotFound());
  EXPECT_TRUE(log->TermAt(LogIndex(101)).status().IsNotFound());
  EXPECT_TRUE(out.empty());
}

TEST_F(SegmentedLogTest, ReadsOfWrittenEntriesUseOnePreadPerSegment) {
  SegmentedLogOptions options;
  options.cache_bytes = 0;
  auto log = OpenLog(options);
  ASSERT_TRUE(log->Append(MakeEntries(1, 200, 2)).ok());
  ASSERT_TRUE(log->Sync().ok());
  const uint64_t reads_before = log->stats().disk_reads;
  auto all = ReadAll(*log, 1, 201, SIZE_MAX);
  ASSERT_EQ(all.size(), 200u);
  for (uint64_t i = 1; i <= 200; ++i) ASSERT_TRUE(IsEntry(all[i - 1], i, 2));
  EXPECT_EQ(log->stats().disk_reads - reads_before, 1u);
}

TEST_F(SegmentedLogTest, RecentEntriesAreServedFromMemory) {
  auto log = OpenLog();  // 16 MiB cache by default
  ASSERT_TRUE(log->Append(MakeEntries(1, 200, 2)).ok());
  ASSERT_TRUE(log->Sync().ok());
  auto all = ReadAll(*log, 1, 201);
  ASSERT_EQ(all.size(), 200u);
  EXPECT_EQ(log->stats().disk_reads, 0u);
  // The very same payloads: no copy.
  std::vector<Entry> one;
  ASSERT_TRUE(log->Read(LogIndex(7), LogIndex(8), 1, &one).ok());
  EXPECT_EQ(one[0].data.get(), all[6].data.get());
}

TEST_F(SegmentedLogTest, AppendBelowLastIndexTruncatesTheSuffix) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->Append(MakeEntries(1, 10, 1)).ok());
    ASSERT_TRUE(log->Sync().ok());
    // Overwrite 6.. with entries of a new term, shorter than what was there.
    ASSERT_TRUE(log->Append(MakeEntries(6, 8, 2)).ok());
    EXPECT_EQ(log->LastIndex(), LogIndex(8));
    EXPECT_EQ(*log->TermAt(LogIndex(8)), Term(2));
    EXPECT_TRUE(log->TermAt(LogIndex(9)).status().IsNotFound());
    // And once more within entries not yet synced (only buffered).
    ASSERT_TRUE(log->Append(MakeEntries(8, 9, 3)).ok());
    ASSERT_TRUE(log->Sync().ok());
  }
  auto log = OpenLog();
  EXPECT_EQ(log->LastIndex(), LogIndex(9));
  auto all = ReadAll(*log, 1, 10);
  ASSERT_EQ(all.size(), 9u);
  for (uint64_t i = 1; i <= 5; ++i) EXPECT_TRUE(IsEntry(all[i - 1], i, 1));
  for (uint64_t i = 6; i <= 7; ++i) EXPECT_TRUE(IsEntry(all[i - 1], i, 2));
  for (uint64_t i = 8; i <= 9; ++i) EXPECT_TRUE(IsEntry(all[i - 1], i, 3));
}

TEST_F(SegmentedLogTest, TruncationIntoAClosedSegmentRemovesLaterSegments) {
  {
    auto log = OpenLog(SmallSegments());
    ASSERT_TRUE(log->Append(MakeEntries(1, 200, 1)).ok());
    ASSERT_TRUE(log->Sync().ok());
    ASSERT_GT(SegmentFiles(dir_).size(), 5u);
    ASSERT_TRUE(log->Append(MakeEntries(40, 45, 2)).ok());
    ASSERT_TRUE(log->Sync().ok());
    EXPECT_EQ(log->LastIndex(), LogIndex(45));
    auto files = SegmentFiles(dir_);
    EXPECT_TRUE(files.back().starts_with("log_inprogress_")) << files.back();
    for (size_t k = 0; k + 1 < files.size(); ++k) EXPECT_FALSE(files[k].starts_with("log_inp"));
  }
  auto log = OpenLog(SmallSegments());
  EXPECT_EQ(log->LastIndex(), LogIndex(45));
  auto all = ReadAll(*log, 1, 46);
  ASSERT_EQ(all.size(), 45u);
  for (uint64_t i = 1; i <= 45; ++i) EXPECT_TRUE(IsEntry(all[i - 1], i, i < 40 ? 1 : 2));
  // Truncating the whole log back to its first entry.
  ASSERT_TRUE(log->Append(MakeEntries(1, 3, 5)).ok());
  ASSERT_TRUE(log->Sync().ok());
  log.reset();
  log = OpenLog(SmallSegments());
  EXPECT_EQ(log->LastIndex(), LogIndex(3));
  EXPECT_TRUE(IsEntry(ReadAll(*log, 3, 4)[0], 3, 5));
}

TEST_F(SegmentedLogTest, SegmentsRollOverAndReadsCrossThem) {
  {
    auto log = OpenLog(SmallSegments());
    // 125-byte records: 32 per 4 KiB segment. Appended in batches of 7 to cross boundaries.
    for (uint64_t i = 1; i <= 700; i += 7) {
      ASSERT_TRUE(log->Append(MakeEntries(i, i + 6, 1 + i / 100)).ok());
      ASSERT_TRUE(log->Sync().ok());
    }
    EXPECT_GT(log->stats().segments_closed, 20u);
    auto all = ReadAll(*log, 1, 701, SIZE_MAX);
    ASSERT_EQ(all.size(), 700u);
  }
  auto files = SegmentFiles(dir_);
  ASSERT_GT(files.size(), 20u);
  EXPECT_EQ(files.front(), "log_1-32");
  EXPECT_EQ(files[1], "log_33-64");
  EXPECT_TRUE(files.back().starts_with("log_inprogress_"));
  for (const auto& name : files) {
    if (!name.starts_with("log_inprogress_")) {
      EXPECT_LE(fs::file_size(dir_ + "/" + name), 4096u) << name;
    }
  }
  auto log = OpenLog(SmallSegments());
  EXPECT_EQ(log->LastIndex(), LogIndex(700));
  auto all = ReadAll(*log, 1, 701, SIZE_MAX);
  ASSERT_EQ(all.size(), 700u);
  for (uint64_t i = 1; i <= 700; ++i)
    ASSERT_TRUE(IsEntry(all[i - 1], i, 1 + ((i - 1) / 7 * 7 + 1) / 100));
  // A read spanning several segments, one budget.
  std::vector<Entry> out;
  ASSERT_TRUE(log->Read(LogIndex(30), LogIndex(701), 100 * MakeEntry(1, 1).ByteSize(), &out).ok());
  ASSERT_EQ(out.size(), 100u);
  EXPECT_EQ(out.back().index, LogIndex(129));
}

TEST_F(SegmentedLogTest, EntryLargerThanASegmentGetsOneOfItsOwn) {
  auto log = OpenLog(SmallSegments());
  ASSERT_TRUE(log->Append(MakeEntries(1, 3, 1)).ok());
  ASSERT_TRUE(log->Append({MakeEntry(4, 1, 10000)}).ok());
  ASSERT_TRUE(log->Append(MakeEntries(5, 6, 1)).ok());
  ASSERT_TRUE(log->Sync().ok());
  log.reset();
  log = OpenLog(SmallSegments());
  auto all = ReadAll(*log, 1, 7);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_TRUE(IsEntry(all[3], 4, 1, 10000));
  EXPECT_TRUE(IsEntry(all[5], 6, 1));
  EXPECT_EQ(SegmentFiles(dir_),
            (std::vector<std::string>{"log_1-3", "log_4-4", "log_inprogress_5"}));
}

TEST_F(SegmentedLogTest, PurgeDropsCoveredSegmentsAndKeepsTheTermBefore) {
  {
    auto log = OpenLog(SmallSegments());
    ASSERT_TRUE(log->Append(MakeEntries(1, 100, 1)).ok());
    ASSERT_TRUE(log->Append(MakeEntries(101, 200, 2)).ok());
    ASSERT_TRUE(log->Sync().ok());
    EXPECT_TRUE(log->Purge(LogIndex(201)).IsInvalidArgument());
    ASSERT_TRUE(log->Purge(LogIndex(0)).ok());
    EXPECT_EQ(log->FirstIndex(), LogIndex(1));

    ASSERT_TRUE(log->Purge(LogIndex(100)).ok());
    // Whole segments only: 32 entries per segment, so 1..96 go.
    EXPECT_EQ(log->FirstIndex(), LogIndex(97));
    EXPECT_EQ(*log->TermAt(LogIndex(96)), Term(1));
    EXPECT_TRUE(log->TermAt(LogIndex(95)).status().IsNotFound());
    EXPECT_EQ(SegmentFiles(dir_).front(), "log_97-128");
    EXPECT_EQ(log->stats().segments_removed, 3u);
  }
  auto log = OpenLog(SmallSegments());
  EXPECT_EQ(log->FirstIndex(), LogIndex(97));
  EXPECT_EQ(log->LastIndex(), LogIndex(200));
  EXPECT_EQ(*log->TermAt(LogIndex(96)), Term(1));
  auto all = ReadAll(*log, 97, 201);
  ASSERT_EQ(all.size(), 104u);
  EXPECT_TRUE(IsEntry(all.front(), 97, 1));
  EXPECT_TRUE(IsEntry(all.back(), 200, 2));

  // Purging through the last index keeps the open segment: the log may stay non-empty.
  ASSERT_TRUE(log->Purge(LogIndex(200)).ok());
  EXPECT_LE(log->FirstIndex(), LogIndex(201));
  EXPECT_TRUE(log->TermAt(log->FirstIndex() - 1).ok());
  const LogIndex first = log->FirstIndex();
  const Term before = *log->TermAt(first - 1);
  log.reset();
  log = OpenLog(SmallSegments());
  EXPECT_EQ(log->FirstIndex(), first);
  EXPECT_EQ(*log->TermAt(first - 1), before);
  ASSERT_TRUE(log->Append(MakeEntries(201, 210, 3)).ok());
  ASSERT_TRUE(log->Sync().ok());
  EXPECT_TRUE(IsEntry(ReadAll(*log, 210, 211)[0], 210, 3));
}

TEST_F(SegmentedLogTest, ResetToSnapshotReplacesTheLog) {
  const SnapshotMeta snapshot{LogIndex(1000), Term(7), ThreePeers()};
  {
    auto log = OpenLog(SmallSegments());
    ASSERT_TRUE(log->Append(MakeEntries(1, 100, 1)).ok());
    ASSERT_TRUE(log->Append({ConfigEntry(101, 1, ThreePeers("0"))}).ok());
    ASSERT_TRUE(log->Sync().ok());
    ASSERT_TRUE(log->ResetToSnapshot(snapshot).ok());
    EXPECT_EQ(log->FirstIndex(), LogIndex(1001));
    EXPECT_EQ(log->LastIndex(), LogIndex(1000));
    EXPECT_EQ(*log->TermAt(LogIndex(1000)), Term(7));
    EXPECT_TRUE(log->TermAt(LogIndex(50)).status().IsNotFound());
    EXPECT_EQ(SegmentFiles(dir_), std::vector<std::string>{"log_inprogress_1001"});
    auto state = log->LoadState();
    EXPECT_EQ(state->snapshot, snapshot);
    EXPECT_TRUE(state->config_entries.empty());
    ASSERT_TRUE(log->Append(MakeEntries(1001, 1010, 8)).ok());
    ASSERT_TRUE(log->Sync().ok());
  }
  auto log = OpenLog(SmallSegments());
  EXPECT_EQ(log->FirstIndex(), LogIndex(1001));
  EXPECT_EQ(log->LastIndex(), LogIndex(1010));
  EXPECT_EQ(*log->TermAt(LogIndex(1000)), Term(7));
  EXPECT_EQ(log->LoadState()->snapshot, snapshot);
  EXPECT_TRUE(IsEntry(ReadAll(*log, 1001, 1002)[0], 1001, 8));
  // A reset to an index inside the log works the same.
  ASSERT_TRUE(log->ResetToSnapshot({LogIndex(1005), Term(8), ThreePeers()}).ok());
  EXPECT_EQ(log->FirstIndex(), LogIndex(1006));
  EXPECT_EQ(*log->TermAt(LogIndex(1005)), Term(8));
  log.reset();
  log = OpenLog(SmallSegments());
  EXPECT_EQ(log->FirstIndex(), LogIndex(1006));
  EXPECT_EQ(log->LastIndex(), LogIndex(1005));
}

TEST_F(SegmentedLogTest, HardStateAndSnapshotMetaPersist) {
  const HardState hard_state{Term(5), PeerId("scm2"), LogIndex(40)};
  const SnapshotMeta snapshot{LogIndex(30), Term(4), ThreePeers()};
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->SaveHardState({Term(4), std::nullopt, LogIndex(1)}).ok());
    ASSERT_TRUE(log->SaveHardState(hard_state).ok());
    ASSERT_TRUE(log->SaveSnapshotMeta(snapshot).ok());
    EXPECT_EQ(log->LoadState()->hard_state, hard_state);
    EXPECT_EQ(log->stats().state_file_writes, 3u);
  }
  {
    auto log = OpenLog();
    auto state = log->LoadState();
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->hard_state, hard_state);
    EXPECT_EQ(state->snapshot, snapshot);
    // SaveSnapshotMeta does not touch the log... but a log that does not reach the snapshot
    // is reset to it on open (a ResetToSnapshot that a crash interrupted).
    EXPECT_EQ(log->FirstIndex(), LogIndex(31));
    ASSERT_TRUE(log->SaveHardState({Term(6), std::nullopt, LogIndex(40)}).ok());
  }
  auto log = OpenLog();
  EXPECT_EQ(log->LoadState()->hard_state, (HardState{Term(6), std::nullopt, LogIndex(40)}));
}

TEST_F(SegmentedLogTest, SnapshotMetaInsideTheLogLeavesTheLogAlone) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->Append(MakeEntries(1, 50, 2)).ok());
    ASSERT_TRUE(log->Sync().ok());
    ASSERT_TRUE(log->SaveSnapshotMeta({LogIndex(30), Term(2), ThreePeers()}).ok());
  }
  auto log = OpenLog();
  EXPECT_EQ(log->FirstIndex(), LogIndex(1));
  EXPECT_EQ(log->LastIndex(), LogIndex(50));
}

TEST_F(SegmentedLogTest, LoadStateReturnsConfigEntriesAfterTheSnapshot) {
  auto expect_configs = [](const SegmentedLog& log, std::vector<uint64_t> indexes) {
    auto state = log.LoadState();
    ASSERT_TRUE(state.ok());
    std::vector<uint64_t> got;
    for (const Entry& e : state->config_entries) {
      got.push_back(e.index.value());
      EXPECT_EQ(e.type, EntryType::kConfig);
      auto config = DecodeConfiguration(e.bytes());
      ASSERT_TRUE(config.ok());
      EXPECT_EQ(*config, ThreePeers(std::to_string(e.index.value())));
    }
    EXPECT_EQ(got, indexes);
  };
  {
    auto log = OpenLog(SmallSegments());
    for (uint64_t i = 1; i <= 120; ++i) {
      Entry e = (i % 10 == 3) ? ConfigEntry(i, 1, ThreePeers(std::to_string(i))) : MakeEntry(i, 1);
      ASSERT_TRUE(log->Append({e}).ok());
    }
    ASSERT_TRUE(log->Sync().ok());
    ASSERT_TRUE(log->SaveSnapshotMeta({LogIndex(50), Term(1), ThreePeers()}).ok());
    expect_configs(*log, {53, 63, 73, 83, 93, 103, 113});
    ASSERT_TRUE(log->Append(MakeEntries(90, 92, 2)).ok());  // drops 93.. and their configs
    ASSERT_TRUE(log->Sync().ok());
    expect_configs(*log, {53, 63, 73, 83});
  }
  auto log = OpenLog(SmallSegments());
  expect_configs(*log, {53, 63, 73, 83});
  ASSERT_TRUE(log->Purge(LogIndex(70)).ok());
  expect_configs(*log, {73, 83});
}

TEST_F(SegmentedLogTest, RejectsAppendsThatDoNotContinueTheLog) {
  auto log = OpenLog();
  ASSERT_TRUE(log->Append(MakeEntries(1, 10, 3)).ok());
  EXPECT_TRUE(log->Append(MakeEntries(12, 13, 3)).IsInvalidArgument());  // a hole
  std::vector<Entry> gap{MakeEntry(11, 3), MakeEntry(13, 3)};
  EXPECT_TRUE(log->Append(gap).IsInvalidArgument());
  EXPECT_TRUE(log->Append(MakeEntries(11, 12, 2)).IsInvalidArgument());  // term goes back
  ASSERT_TRUE(log->Purge(LogIndex(0)).ok());
  EXPECT_EQ(log->LastIndex(), LogIndex(10));
  // The log still works.
  ASSERT_TRUE(log->Append(MakeEntries(11, 12, 3)).ok());
  ASSERT_TRUE(log->Sync().ok());
  EXPECT_EQ(log->LastIndex(), LogIndex(12));
}

TEST_F(SegmentedLogTest, SecondOpenOfTheSameDirectoryIsBusy) {
  auto log = OpenLog();
  auto second = SegmentedLog::Open(dir_);
  EXPECT_TRUE(second.status().IsBusy()) << second.status();
  log.reset();
  EXPECT_TRUE(SegmentedLog::Open(dir_).ok());
}

TEST_F(SegmentedLogTest, OneWriteAndOneSyncPerBatch) {
  auto log = OpenLog();
  const auto before = log->stats();
  for (int k = 0; k < 4; ++k) {
    std::vector<Entry> batch = MakeEntries(1 + k * 64, 64 + k * 64, 1);
    for (size_t i = 0; i < batch.size(); i += 8) {
      std::vector<Entry> part(batch.begin() + i, batch.begin() + i + 8);
      ASSERT_TRUE(log->Append(part).ok());
    }
    ASSERT_TRUE(log->Sync().ok());
  }
  ASSERT_TRUE(log->Sync().ok());  // nothing new: no syscall
  const auto after = log->stats();
  EXPECT_EQ(after.writes - before.writes, 4u);
  EXPECT_EQ(after.data_syncs - before.data_syncs, 4u);
  EXPECT_EQ(after.appended_entries, 256u);
}

TEST_F(SegmentedLogTest, LargeAppendsAreWrittenBeforeSync) {
  SegmentedLogOptions options;
  options.write_buffer_size = 4096;
  auto log = OpenLog(options);
  const uint64_t writes_before = log->stats().writes;
  ASSERT_TRUE(log->Append(MakeEntries(1, 100, 1)).ok());  // 12.5 KB of records
  // Written every 4 KiB: durable at once with direct I/O, not yet synced through the page cache.
  EXPECT_EQ(log->stats().writes - writes_before, 3u);
  ASSERT_TRUE(log->Sync().ok());
  EXPECT_EQ(log->stats().writes - writes_before, 4u);
  auto all = ReadAll(*log, 1, 101);
  ASSERT_EQ(all.size(), 100u);
  EXPECT_TRUE(IsEntry(all.back(), 100, 1));
}

TEST_F(SegmentedLogTest, CloseWritesWhatWasAppended) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log->Append(MakeEntries(1, 10, 1)).ok());  // no Sync
  }
  auto log = OpenLog();
  EXPECT_EQ(log->LastIndex(), LogIndex(10));
}

TEST_F(SegmentedLogTest, RejectsImpossibleOptions) {
  SegmentedLogOptions options;
  options.max_segment_size = 100;
  EXPECT_TRUE(SegmentedLog::Open(dir_, options).status().IsInvalidArgument());
  options.max_segment_size = uint64_t{2} << 30;
  EXPECT_TRUE(SegmentedLog::Open(dir_, options).status().IsInvalidArgument());
}

uint64_t TermOf(uint64_t index) { return 1 + index / 1000; }

// A thread that reads random ranges of a log being written, until stopped, and checks that each
// read returns exactly the entries asked for, with their content (entry i is
// MakeEntry(i, TermOf(i))), or NotFound for a range purged meanwhile.
class VerifyingReader {
 public:
  explicit VerifyingReader(const LogReader* log)
      : log_(log), thread_([this] {
          Loop();
          exited_ = true;
        }) {}
  ~VerifyingReader() { Stop(); }

  // Waits for a few more reads (so that the final log is read too), then stops the thread.
  void Stop() {
    const uint64_t target = reads_.load() + 10;
    while (reads_.load() < target && !exited_.load()) std::this_thread::yield();
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t entries_checked() const { return entries_checked_.load(); }

 private:
  // Returns at the first failed check (gtest's ASSERT returns from the function).
  void Loop() {
    uint64_t seed = 1;
    while (!done_.load()) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      const LogIndex last = log_->LastIndex();
      const LogIndex first = log_->FirstIndex();
      if (last < first) continue;
      const LogIndex lo = first + (seed >> 33) % (last - first + 1);
      std::vector<Entry> out;
      Status s = log_->Read(lo, last + 1, 16 << 10, &out);
      if (s.IsNotFound()) {
        ASSERT_LT(lo, log_->FirstIndex()) << s;  // purged meanwhile
        continue;
      }
      ASSERT_TRUE(s.ok()) << s;
      ASSERT_FALSE(out.empty());
      for (size_t k = 0; k < out.size(); ++k) {
        ASSERT_TRUE(IsEntry(out[k], lo.value() + k, TermOf(lo.value() + k)));
      }
      auto term = log_->TermAt(lo);
      if (term.ok()) {
        ASSERT_EQ(*term, Term(TermOf(lo.value())));
      }
      reads_.fetch_add(1);
      entries_checked_.fetch_add(out.size());
    }
  }

  const LogReader* const log_;
  std::atomic<bool> done_{false};
  std::atomic<bool> exited_{false};
  std::atomic<uint64_t> reads_{0};
  std::atomic<uint64_t> entries_checked_{0};
  std::thread thread_;
};

SegmentedLogOptions ConcurrencyOptions() {
  SegmentedLogOptions options;
  options.max_segment_size = 16 << 10;
  options.preallocate_size = 4 << 10;
  options.cache_bytes = 8 << 10;  // some reads from memory, most from the files
  return options;
}

// One thread appends (and purges) while another reads: reads never see a torn entry.
TEST_F(SegmentedLogTest, ConcurrentReaderSeesAConsistentPrefix) {
  auto log = OpenLog(ConcurrencyOptions());
  constexpr uint64_t kLast = 10000;
  VerifyingReader reader(log.get());
  for (uint64_t i = 1; i <= kLast;) {
    const uint64_t n = 1 + i % 37;
    std::vector<Entry> batch;
    for (uint64_t k = 0; k < n && i <= kLast; ++k, ++i) batch.push_back(MakeEntry(i, TermOf(i)));
    ASSERT_TRUE(log->Append(batch).ok());
    ASSERT_TRUE(log->Sync().ok());
    if (i > 1000 && i % 1000 < 37) {
      ASSERT_TRUE(log->Purge(LogIndex(i - 500)).ok());
    }
  }
  reader.Stop();
  EXPECT_GT(reader.entries_checked(), 0u);
  EXPECT_EQ(log->LastIndex(), LogIndex(kLast));
  EXPECT_GT(log->stats().segments_removed, 10u);
}

// The deployment's threads: a submitter (the protocol thread) feeds a LogWriter thread while a
// reader thread reads.
TEST_F(SegmentedLogTest, ConcurrentReaderWhileTheLogWriterAppends) {
  auto log = OpenLog(ConcurrencyOptions());
  constexpr uint64_t kLast = 10000;
  VerifyingReader reader(log.get());
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  Status failure;
  {
    LogWriter writer(log.get());
    auto done = [&](const Status& s) {
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok()) failure = s;
      --in_flight;
      cv.notify_one();
    };
    for (uint64_t i = 1; i <= kLast;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return in_flight < 16; });
        in_flight += 1;
      }
      const uint64_t n = 1 + i % 13;
      std::vector<Entry> batch;
      for (uint64_t k = 0; k < n && i <= kLast; ++k, ++i) {
        batch.push_back(MakeEntry(i, TermOf(i)));
      }
      ASSERT_TRUE(writer.Persist(std::nullopt, std::move(batch), done).ok());
      if (i > 1000 && i % 1000 < 13) {
        {
          std::lock_guard<std::mutex> lock(mu);
          in_flight += 1;
        }
        // Not under mu: an idle writer runs `done` inside Purge.
        ASSERT_TRUE(writer.Purge(LogIndex(i - 500), done).ok());
      }
    }
    writer.Stop();
  }
  EXPECT_TRUE(failure.ok()) << failure;
  reader.Stop();
  EXPECT_GT(reader.entries_checked(), 0u);
  EXPECT_EQ(log->LastIndex(), LogIndex(kLast));
  EXPECT_GT(log->stats().segments_removed, 10u);
}

}  // namespace
}  // namespace ozone::raft
