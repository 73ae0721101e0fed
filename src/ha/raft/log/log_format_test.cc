#include "ha/raft/log/log_format.h"

#include <gtest/gtest.h>

namespace ozone::raft::log_format {
namespace {

TEST(LogFormatTest, RecordRoundTrip) {
  for (const std::string& data : {std::string(), std::string("x"), std::string(5000, 'q')}) {
    Entry e{Term(7), LogIndex(42), EntryType::kConfig, data.empty() ? nullptr : MakePayload(data)};
    std::string bytes(RecordSize(data.size()), '\0');
    EncodeRecord(e, bytes.data());
    RecordView rec;
    ASSERT_EQ(ParseRecord(bytes, &rec), RecordCheck::kValid);
    EXPECT_EQ(rec.term, Term(7));
    EXPECT_EQ(rec.index, LogIndex(42));
    EXPECT_EQ(rec.type, EntryType::kConfig);
    EXPECT_EQ(rec.data, data);
    EXPECT_EQ(rec.size, bytes.size());
    // Trailing bytes are not part of the record.
    EXPECT_EQ(ParseRecord(bytes + "trailing", &rec), RecordCheck::kValid);
    EXPECT_EQ(rec.size, bytes.size());
  }
}

TEST(LogFormatTest, DamagedRecordsAreRecognized) {
  Entry e{Term(3), LogIndex(9), EntryType::kNormal, MakePayload("payload")};
  std::string bytes(RecordSize(7), '\0');
  EncodeRecord(e, bytes.data());
  RecordView rec;
  EXPECT_EQ(ParseRecord(bytes.substr(0, bytes.size() - 1), &rec), RecordCheck::kTruncated);
  EXPECT_EQ(ParseRecord(bytes.substr(0, 5), &rec), RecordCheck::kTruncated);
  EXPECT_EQ(ParseRecord(std::string(64, '\0'), &rec), RecordCheck::kBadLength);
  for (size_t i = 4; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] ^= 1;
    EXPECT_EQ(ParseRecord(damaged, &rec), RecordCheck::kBadChecksum) << "byte " << i;
  }
  // A damaged length makes the checksum (which covers it) fail, or the length impossible.
  std::string longer = bytes + "xx";
  longer[0] += 2;
  EXPECT_EQ(ParseRecord(longer, &rec), RecordCheck::kBadChecksum);
}

TEST(LogFormatTest, SegmentHeaderRoundTripAndChecks) {
  char bytes[kSegmentHeaderSize];
  EncodeSegmentHeader({LogIndex(101), Term(5)}, bytes);
  auto header = DecodeSegmentHeader(std::string_view(bytes, sizeof(bytes)));
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->first_index, LogIndex(101));
  EXPECT_EQ(header->prev_term, Term(5));
  bytes[20] ^= 1;
  EXPECT_TRUE(DecodeSegmentHeader(std::string_view(bytes, sizeof(bytes))).status().IsCorruption());
  EXPECT_TRUE(DecodeSegmentHeader(std::string(kSegmentHeaderSize, '\0')).status().IsCorruption());
  EXPECT_TRUE(DecodeSegmentHeader("short").status().IsCorruption());
}

TEST(LogFormatTest, SegmentNames) {
  EXPECT_EQ(ClosedSegmentName(LogIndex(1), LogIndex(100)), "log_1-100");
  EXPECT_EQ(OpenSegmentName(LogIndex(101)), "log_inprogress_101");
  auto closed = ParseSegmentName("log_1-100");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->first, LogIndex(1));
  EXPECT_EQ(closed->last, LogIndex(100));
  auto open = ParseSegmentName("log_inprogress_101");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->first, LogIndex(101));
  EXPECT_FALSE(open->last);
  for (const char* bad : {"log_", "log_1", "log_5-3", "log_0-3", "log_inprogress_", "log_01-2",
                          "log_inprogress_7.tmp", "log_1-2x", "hard_state", "LOCK"}) {
    EXPECT_FALSE(ParseSegmentName(bad)) << bad;
  }
}

}  // namespace
}  // namespace ozone::raft::log_format
