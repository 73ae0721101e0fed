// Crash recovery of SegmentedLog: torn tails are cut back to the last valid record; damage
// anywhere else is Corruption naming the file and the offset.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "ha/raft/configuration_codec.h"
#include "ha/raft/log/log_test_util.h"
#include "ha/raft/log/segmented_log.h"
#include "ha/raft/log/state_file.h"
#include "tests/testutil/subprocess.h"

namespace ozone::raft {
namespace {

namespace fs = std::filesystem;
using log_testing::FlipByte;
using log_testing::IsEntry;
using log_testing::MakeEntries;
using log_testing::PatchBytes;
using log_testing::ReadAll;
using log_testing::ReadBytes;
using log_testing::RecordOffset;
using log_testing::SegmentFiles;
using ::testing::HasSubstr;
using testutil::TempDir;

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() | 1);
  return s;
}

class SegmentedLogRecoveryTest : public ::testing::Test {
 protected:
  static SegmentedLogOptions SmallSegments() {
    SegmentedLogOptions o;
    o.max_segment_size = 4096;
    o.preallocate_size = 1024;
    return o;
  }

  // Writes entries [1, last] of term 1 with `size` bytes of data each, synced, and closes.
  void WriteLog(uint64_t last, const SegmentedLogOptions& options = {}, size_t size = 100) {
    auto log = SegmentedLog::Open(dir_, options);
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->Append(MakeEntries(1, last, 1, size)).ok());
    ASSERT_TRUE((*log)->Sync().ok());
  }

  // Opens the log and checks it holds exactly [1, last] of term 1.
  std::unique_ptr<SegmentedLog> ExpectLog(uint64_t last, const SegmentedLogOptions& options = {},
                                          size_t size = 100) {
    auto log = SegmentedLog::Open(dir_, options);
    EXPECT_TRUE(log.ok()) << log.status();
    if (!log.ok()) return nullptr;
    EXPECT_EQ((*log)->FirstIndex(), LogIndex(1));
    EXPECT_EQ((*log)->LastIndex(), LogIndex(last));
    auto all = ReadAll(**log, 1, last + 1);
    EXPECT_EQ(all.size(), last);
    for (uint64_t i = 1; i <= all.size(); ++i) EXPECT_TRUE(IsEntry(all[i - 1], i, 1, size));
    return std::move(log).value();
  }

  Status OpenStatus(const SegmentedLogOptions& options = {}) {
    return SegmentedLog::Open(dir_, options).status();
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  TempDir tmp_;
  std::string dir_ = tmp_.Sub("raft-log");
};

TEST_F(SegmentedLogRecoveryTest, RecordCutMidwayIsDropped) {
  WriteLog(20);
  fs::resize_file(Path("log_inprogress_1"), RecordOffset(19) + 60);
  auto log = ExpectLog(19);
  // The log goes on from there, and the next open finds it whole.
  ASSERT_TRUE(log->Append(MakeEntries(20, 25, 1)).ok());
  ASSERT_TRUE(log->Sync().ok());
  log.reset();
  ExpectLog(25);
}

TEST_F(SegmentedLogRecoveryTest, RecordFrameCutMidwayIsDropped) {
  WriteLog(20);
  fs::resize_file(Path("log_inprogress_1"), RecordOffset(19) + 5);
  ExpectLog(19);
}

TEST_F(SegmentedLogRecoveryTest, GarbageAfterTheLastRecordIsCleared) {
  WriteLog(20);
  PatchBytes(Path("log_inprogress_1"), RecordOffset(20), RandomBytes(3000, 7));
  auto log = ExpectLog(20);
  // The garbage is gone from the file, so it cannot pass for records later.
  const std::string bytes = ReadBytes(Path("log_inprogress_1"));
  EXPECT_EQ(bytes.find_first_not_of('\0', RecordOffset(20)), std::string::npos);
  ASSERT_TRUE(log->Append(MakeEntries(21, 22, 1)).ok());
  ASSERT_TRUE(log->Sync().ok());
  log.reset();
  ExpectLog(22);
}

TEST_F(SegmentedLogRecoveryTest, GarbageBeyondTheFileEndIsCleared) {
  WriteLog(20, SmallSegments());  // no preallocated zeros left: the file grows
  const std::string last = SegmentFiles(dir_).back();
  const uint64_t size = fs::file_size(Path(last));
  PatchBytes(Path(last), size, RandomBytes(200, 8));
  ExpectLog(20, SmallSegments());
}

TEST_F(SegmentedLogRecoveryTest, FlippedByteInTheLastRecordDropsIt) {
  WriteLog(20);
  FlipByte(Path("log_inprogress_1"), RecordOffset(19) + 40);
  ExpectLog(19);
}

TEST_F(SegmentedLogRecoveryTest, FlippedLengthOfTheLastRecordDropsIt) {
  WriteLog(20);
  FlipByte(Path("log_inprogress_1"), RecordOffset(19) + 1);
  ExpectLog(19);
}

TEST_F(SegmentedLogRecoveryTest, FlippedByteInAMiddleRecordIsCorruption) {
  WriteLog(20);
  FlipByte(Path("log_inprogress_1"), RecordOffset(9) + 40);
  Status s = OpenStatus();
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("log_inprogress_1"));
  EXPECT_THAT(s.message(), HasSubstr("offset " + std::to_string(RecordOffset(9))));
}

TEST_F(SegmentedLogRecoveryTest, ZeroedBytesInAMiddleRecordAreCorruption) {
  WriteLog(20);
  PatchBytes(Path("log_inprogress_1"), RecordOffset(9) + 20, std::string(100, '\0'));
  Status s = OpenStatus();
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("offset " + std::to_string(RecordOffset(9))));
}

TEST_F(SegmentedLogRecoveryTest, ValidRecordOutOfPlaceIsCorruption) {
  WriteLog(20);
  // Record 10 replaced by a well-formed record of another index.
  std::vector<Entry> other = MakeEntries(99, 99, 1);
  std::string bytes(log_format::RecordSize(100), '\0');
  log_format::EncodeRecord(other[0], bytes.data());
  PatchBytes(Path("log_inprogress_1"), RecordOffset(9), bytes);
  Status s = OpenStatus();
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("index 99"));
}

// A power failure may persist later pages of an unsynced write but not an earlier one, which
// then reads as zeros (preallocated space): that is a torn write, not damage to synced data.
TEST_F(SegmentedLogRecoveryTest, LostPageOfTheLastWriteIsATornWrite) {
  WriteLog(20, {}, 1000);
  // Records of 1025 bytes from offset 40: the page [8192, 12288) holds the end of record 8
  // (index 8, 0-based 7) and records up to index 12; index 13 starts after it.
  PatchBytes(Path("log_inprogress_1"), 8192, std::string(4096, '\0'));
  ExpectLog(7, {}, 1000);
}

TEST_F(SegmentedLogRecoveryTest, CorruptRecordInAClosedSegmentIsCorruption) {
  WriteLog(100, SmallSegments());
  ASSERT_EQ(SegmentFiles(dir_)[1], "log_33-64");
  // Even its last record: a closed segment was synced whole before it was renamed.
  FlipByte(Path("log_33-64"), RecordOffset(31) + 50);
  Status s = OpenStatus(SmallSegments());
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("log_33-64"));
  EXPECT_THAT(s.message(), HasSubstr("offset " + std::to_string(RecordOffset(31))));
}

TEST_F(SegmentedLogRecoveryTest, TruncatedClosedSegmentIsCorruption) {
  WriteLog(100, SmallSegments());
  fs::resize_file(Path("log_33-64"), fs::file_size(Path("log_33-64")) - 10);
  Status s = OpenStatus(SmallSegments());
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("log_33-64"));
}

TEST_F(SegmentedLogRecoveryTest, MissingSegmentIsCorruption) {
  WriteLog(100, SmallSegments());
  fs::remove(Path("log_33-64"));
  Status s = OpenStatus(SmallSegments());
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("starts at 65"));
}

TEST_F(SegmentedLogRecoveryTest, TermBeforeASegmentMustMatchItsPredecessor) {
  WriteLog(100, SmallSegments());
  char header[log_format::kSegmentHeaderSize];
  log_format::EncodeSegmentHeader({LogIndex(33), Term(9)}, header);
  PatchBytes(Path("log_33-64"), 0, std::string(header, sizeof(header)));
  Status s = OpenStatus(SmallSegments());
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("previous term"));
}

TEST_F(SegmentedLogRecoveryTest, DamagedSegmentHeaderIsCorruption) {
  WriteLog(20);
  FlipByte(Path("log_inprogress_1"), 17);
  Status s = OpenStatus();
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("log_inprogress_1"));
}

TEST_F(SegmentedLogRecoveryTest, OpenSegmentBeforeOthersIsCorruption) {
  WriteLog(100, SmallSegments());
  fs::copy_file(Path("log_1-32"), Path("log_inprogress_20"));
  EXPECT_TRUE(OpenStatus(SmallSegments()).IsCorruption());
}

TEST_F(SegmentedLogRecoveryTest, DamagedHardStateIsCorruption) {
  {
    auto log = SegmentedLog::Open(dir_);
    ASSERT_TRUE((*log)->SaveHardState({Term(3), PeerId("om1"), LogIndex(0)}).ok());
  }
  FlipByte(Path("hard_state"), 10);
  Status s = OpenStatus();
  EXPECT_TRUE(s.IsCorruption()) << s;
  EXPECT_THAT(s.message(), HasSubstr("hard_state"));
}

TEST_F(SegmentedLogRecoveryTest, LeftoverTempFilesAreRemoved) {
  WriteLog(5);
  PatchBytes(Path("log_inprogress_6.tmp"), 0, "half a segment");
  PatchBytes(Path("hard_state.tmp"), 0, "half a state");
  ExpectLog(5);
  EXPECT_FALSE(fs::exists(Path("log_inprogress_6.tmp")));
  EXPECT_FALSE(fs::exists(Path("hard_state.tmp")));
}

TEST_F(SegmentedLogRecoveryTest, RolloverInterruptedAfterClosingGetsANewOpenSegment) {
  WriteLog(32, SmallSegments());  // exactly fills the first segment
  ASSERT_EQ(SegmentFiles(dir_), std::vector<std::string>{"log_inprogress_1"});
  // What Close leaves: the file cut after its records and renamed.
  fs::resize_file(Path("log_inprogress_1"), RecordOffset(32));
  fs::rename(Path("log_inprogress_1"), Path("log_1-32"));
  auto log = ExpectLog(32, SmallSegments());
  EXPECT_EQ(SegmentFiles(dir_), (std::vector<std::string>{"log_1-32", "log_inprogress_33"}));
  ASSERT_TRUE(log->Append(MakeEntries(33, 40, 1)).ok());
  ASSERT_TRUE(log->Sync().ok());
  log.reset();
  ExpectLog(40, SmallSegments());
}

TEST_F(SegmentedLogRecoveryTest, ResetInterruptedAfterSavingTheSnapshotIsFinished) {
  WriteLog(50, SmallSegments());
  const SnapshotMeta snapshot{LogIndex(100), Term(3), Configuration{}};
  ASSERT_TRUE(WriteStateFile(Path("snapshot_meta"), EncodeSnapshotMeta(snapshot)).ok());
  auto log = SegmentedLog::Open(dir_, SmallSegments());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->FirstIndex(), LogIndex(101));
  EXPECT_EQ((*log)->LastIndex(), LogIndex(100));
  EXPECT_EQ(*(*log)->TermAt(LogIndex(100)), Term(3));
  EXPECT_EQ(SegmentFiles(dir_), std::vector<std::string>{"log_inprogress_101"});
}

TEST_F(SegmentedLogRecoveryTest, ResetInterruptedAfterRemovingTheSegmentsIsFinished) {
  WriteLog(50, SmallSegments());
  const SnapshotMeta snapshot{LogIndex(100), Term(3), Configuration{}};
  ASSERT_TRUE(WriteStateFile(Path("snapshot_meta"), EncodeSnapshotMeta(snapshot)).ok());
  for (const auto& name : SegmentFiles(dir_)) fs::remove(Path(name));
  auto log = SegmentedLog::Open(dir_, SmallSegments());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->FirstIndex(), LogIndex(101));
  EXPECT_EQ(*(*log)->TermAt(LogIndex(100)), Term(3));
}

TEST_F(SegmentedLogRecoveryTest, SnapshotDisagreeingWithTheLogResetsIt) {
  WriteLog(50, SmallSegments());
  const SnapshotMeta snapshot{LogIndex(30), Term(2), Configuration{}};  // the log has term 1
  ASSERT_TRUE(WriteStateFile(Path("snapshot_meta"), EncodeSnapshotMeta(snapshot)).ok());
  auto log = SegmentedLog::Open(dir_, SmallSegments());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->FirstIndex(), LogIndex(31));
  EXPECT_EQ((*log)->LastIndex(), LogIndex(30));
  EXPECT_EQ(*(*log)->TermAt(LogIndex(30)), Term(2));
}

}  // namespace
}  // namespace ozone::raft
