#include "ha/raft/transport/raft_wire_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ozone::raft {
namespace {

// A message with every field set to a distinct non-default value, whatever its type: the codec
// must not depend on which fields a type uses.
Message FullMessage(MessageType type) {
  Message m;
  m.type = type;
  m.from = "scm-1";
  m.to = "scm-2";
  m.term = Term(7);
  m.last_log_index = LogIndex(101);
  m.last_log_term = Term(6);
  m.transfer = true;
  m.prev_log_index = LogIndex(99);
  m.prev_log_term = Term(5);
  m.entries.push_back(Entry{Term(5), LogIndex(100), EntryType::kNormal, MakePayload("put k v")});
  m.entries.push_back(Entry{Term(6), LogIndex(101), EntryType::kNoop, nullptr});
  m.entries.push_back(
      Entry{Term(7), LogIndex(102), EntryType::kConfig, MakePayload(std::string("\0\x01\xff", 3))});
  m.commit = LogIndex(98);
  m.reject = true;
  m.index = LogIndex(97);
  m.hint_index = LogIndex(50);
  m.hint_term = Term(3);
  m.context = 0xfedcba9876543210ULL;
  m.snapshot.index = LogIndex(90);
  m.snapshot.term = Term(4);
  m.snapshot.config.peers = {
      PeerInfo{"scm-1", "host1:9894", PeerRole::kVoter},
      PeerInfo{"scm-2", "[::1]:9894", PeerRole::kLearner},
  };
  return m;
}

void ExpectSame(const Message& a, const Message& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.term, b.term);
  EXPECT_EQ(a.last_log_index, b.last_log_index);
  EXPECT_EQ(a.last_log_term, b.last_log_term);
  EXPECT_EQ(a.transfer, b.transfer);
  EXPECT_EQ(a.prev_log_index, b.prev_log_index);
  EXPECT_EQ(a.prev_log_term, b.prev_log_term);
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (size_t i = 0; i < a.entries.size(); ++i) {
    EXPECT_EQ(a.entries[i].term, b.entries[i].term) << i;
    EXPECT_EQ(a.entries[i].index, b.entries[i].index) << i;
    EXPECT_EQ(a.entries[i].type, b.entries[i].type) << i;
    EXPECT_EQ(a.entries[i].bytes(), b.entries[i].bytes()) << i;
  }
  EXPECT_EQ(a.commit, b.commit);
  EXPECT_EQ(a.reject, b.reject);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.hint_index, b.hint_index);
  EXPECT_EQ(a.hint_term, b.hint_term);
  EXPECT_EQ(a.context, b.context);
  EXPECT_EQ(a.snapshot, b.snapshot);
}

Message RoundTrip(const Message& m) {
  wire::MessageProto proto;
  EncodeMessage(m, &proto);
  // Through bytes, as on the wire.
  wire::MessageProto parsed;
  EXPECT_TRUE(parsed.ParseFromString(proto.SerializeAsString()));
  Result<Message> decoded = DecodeMessage(&parsed);
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.ok() ? std::move(decoded).value() : Message();
}

class RaftWireCodecTypeTest : public ::testing::TestWithParam<int> {};

TEST_P(RaftWireCodecTypeTest, EveryFieldRoundTrips) {
  const Message m = FullMessage(static_cast<MessageType>(GetParam()));
  ExpectSame(m, RoundTrip(m));
}

TEST_P(RaftWireCodecTypeTest, DefaultMessageRoundTrips) {
  Message m;
  m.type = static_cast<MessageType>(GetParam());
  ExpectSame(m, RoundTrip(m));
}

INSTANTIATE_TEST_SUITE_P(AllMessageTypes, RaftWireCodecTypeTest,
                         ::testing::Range(static_cast<int>(MessageType::kPreVote),
                                          static_cast<int>(MessageType::kTimeoutNow) + 1),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(
                               MessageTypeName(static_cast<MessageType>(info.param)));
                         });

TEST(RaftWireCodecTest, EmptyAndNullPayloadsAreTheSameValue) {
  Message m;
  m.type = MessageType::kAppend;
  m.entries.push_back(Entry{Term(1), LogIndex(1), EntryType::kNormal, MakePayload("")});
  m.entries.push_back(Entry{Term(1), LogIndex(2), EntryType::kNormal, nullptr});
  Message back = RoundTrip(m);
  ASSERT_EQ(back.entries.size(), 2u);
  EXPECT_EQ(back.entries[0].bytes(), "");
  EXPECT_EQ(back.entries[1].bytes(), "");
}

TEST(RaftWireCodecTest, SnapshotWithOnlyConfigurationRoundTrips) {
  Message m;
  m.type = MessageType::kInstallSnapshot;
  m.snapshot.config.peers = {PeerInfo{"om1", "", PeerRole::kVoter}};
  ExpectSame(m, RoundTrip(m));
}

TEST(RaftWireCodecTest, LargePayloadIsMovedOutOfTheProto) {
  Message m;
  m.type = MessageType::kAppend;
  m.entries.push_back(
      Entry{Term(1), LogIndex(1), EntryType::kNormal, MakePayload(std::string(1 << 20, 'x'))});
  wire::MessageProto proto;
  EncodeMessage(m, &proto);
  const char* bytes = proto.entries(0).data().data();
  Result<Message> back = DecodeMessage(&proto);
  ASSERT_TRUE(back.ok());
  // Decoding took the buffer rather than copying it.
  EXPECT_EQ(back->entries[0].data->data(), bytes);
  EXPECT_EQ(back->entries[0].bytes(), m.entries[0].bytes());
}

TEST(RaftWireCodecTest, UnknownEnumValuesAreCorruption) {
  {
    wire::MessageProto proto;
    proto.set_type(static_cast<wire::MessageTypeProto>(42));
    EXPECT_TRUE(DecodeMessage(&proto).status().IsCorruption());
  }
  {
    wire::MessageProto proto;
    proto.add_entries()->set_type(static_cast<wire::EntryTypeProto>(9));
    EXPECT_TRUE(DecodeMessage(&proto).status().IsCorruption());
  }
  {
    wire::MessageProto proto;
    proto.mutable_snapshot()->add_peers()->set_role(static_cast<wire::PeerRoleProto>(5));
    EXPECT_TRUE(DecodeMessage(&proto).status().IsCorruption());
  }
}

}  // namespace
}  // namespace ozone::raft
