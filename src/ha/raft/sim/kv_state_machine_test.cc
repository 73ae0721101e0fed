#include "ha/raft/sim/kv_state_machine.h"

#include <gtest/gtest.h>

namespace ozone::raft::sim {
namespace {

Entry Cmd(uint64_t index, const KvCommand& c) {
  return Entry{Term(1), LogIndex(index), EntryType::kNormal, MakePayload(EncodeKvCommand(c))};
}

TEST(KvCommandTest, RoundTrip) {
  KvCommand put{KvCommand::Type::kPut, 42, 3, -7, std::nullopt};
  KvCommand cas{KvCommand::Type::kCas, 43, 1, 9, int64_t{5}};
  EXPECT_EQ(*DecodeKvCommand(EncodeKvCommand(put)), put);
  EXPECT_EQ(*DecodeKvCommand(EncodeKvCommand(cas)), cas);
  EXPECT_TRUE(DecodeKvCommand("junk").status().IsCorruption());
}

TEST(KvStateMachineTest, AppliesInOrderPutsAndCas) {
  KvStateMachine sm;
  auto r = sm.Apply(Entry{Term(1), LogIndex(1), EntryType::kNoop, nullptr});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  ASSERT_TRUE(sm.Apply(Cmd(2, {KvCommand::Type::kPut, 1, 7, 100, std::nullopt})).ok());
  EXPECT_EQ(sm.Get(7), 100);
  auto failed = sm.Apply(Cmd(3, {KvCommand::Type::kCas, 2, 7, 200, int64_t{99}}));
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE((*failed)->ok);
  auto swapped = sm.Apply(Cmd(4, {KvCommand::Type::kCas, 3, 7, 200, int64_t{100}}));
  ASSERT_TRUE(swapped.ok());
  EXPECT_TRUE((*swapped)->ok);
  EXPECT_EQ(sm.Get(7), 200);
  auto absent = sm.Apply(Cmd(5, {KvCommand::Type::kCas, 4, 8, 1, std::nullopt}));
  EXPECT_TRUE((*absent)->ok);
  EXPECT_EQ(sm.applied(), LogIndex(5));
}

TEST(KvStateMachineTest, RefusesGapsAndCorruptCommands) {
  KvStateMachine sm;
  EXPECT_FALSE(sm.Apply(Cmd(2, {})).ok());
  EXPECT_TRUE(sm.Apply(Entry{Term(1), LogIndex(1), EntryType::kNormal, MakePayload("??")})
                  .status()
                  .IsCorruption());
  EXPECT_EQ(sm.applied(), LogIndex(0));
}

}  // namespace
}  // namespace ozone::raft::sim
