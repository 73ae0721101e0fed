#include "ha/raft/sim/sim_log_store.h"

#include <gtest/gtest.h>

namespace ozone::raft::sim {
namespace {

Entry E(uint64_t index, uint64_t term, std::string bytes = "x",
        EntryType type = EntryType::kNormal) {
  return Entry{Term(term), LogIndex(index), type, MakePayload(std::move(bytes))};
}

std::vector<Term> Terms(const SimLogStore& store) {
  std::vector<Term> out;
  for (LogIndex i = store.FirstIndex(); i <= store.LastIndex(); ++i)
    out.push_back(*store.TermAt(i));
  return out;
}

TEST(SimLogStoreTest, FreshStoreIsEmpty) {
  SimLogStore store;
  EXPECT_EQ(store.FirstIndex(), LogIndex(1));
  EXPECT_EQ(store.LastIndex(), LogIndex(0));
  EXPECT_EQ(*store.TermAt(LogIndex(0)), Term(0));
  EXPECT_TRUE(store.TermAt(LogIndex(1)).status().IsNotFound());
  auto state = store.LoadState();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->snapshot.index, LogIndex(0));
  EXPECT_TRUE(state->snapshot.config.empty());
}

TEST(SimLogStoreTest, CrashLosesUnsyncedAppends) {
  SimLogStore store;
  ASSERT_TRUE(store.Append({E(1, 1), E(2, 1)}).ok());
  ASSERT_TRUE(store.Sync().ok());
  ASSERT_TRUE(store.Append({E(3, 1)}).ok());
  EXPECT_EQ(store.LastIndex(), LogIndex(3));  // visible before Sync, as in the page cache
  EXPECT_EQ(store.DurableLastIndex(), LogIndex(2));
  EXPECT_EQ(store.unsynced_appends(), 1u);
  store.Crash();
  EXPECT_EQ(store.LastIndex(), LogIndex(2));
  EXPECT_EQ(store.unsynced_appends(), 0u);
}

TEST(SimLogStoreTest, CrashUndoesUnsyncedTruncation) {
  SimLogStore store;
  ASSERT_TRUE(store.Append({E(1, 1), E(2, 1), E(3, 1)}).ok());
  ASSERT_TRUE(store.Sync().ok());
  ASSERT_TRUE(store.Append({E(2, 2)}).ok());  // truncates 2..3, appends (2, term 2)
  EXPECT_EQ(Terms(store), (std::vector<Term>{Term(1), Term(2)}));
  store.Crash();
  EXPECT_EQ(Terms(store), (std::vector<Term>{Term(1), Term(1), Term(1)}));
}

TEST(SimLogStoreTest, SyncMakesTruncationDurable) {
  SimLogStore store;
  ASSERT_TRUE(store.Append({E(1, 1), E(2, 1), E(3, 1)}).ok());
  ASSERT_TRUE(store.Append({E(2, 2)}).ok());
  ASSERT_TRUE(store.Append({E(3, 2), E(4, 2)}).ok());
  ASSERT_TRUE(store.Sync().ok());
  store.Crash();
  EXPECT_EQ(Terms(store), (std::vector<Term>{Term(1), Term(2), Term(2), Term(2)}));
}

TEST(SimLogStoreTest, HardStateAndSnapshotMetaAreDurableAtOnce) {
  SimLogStore store;
  HardState hs{Term(3), PeerId("n2"), LogIndex(0)};
  ASSERT_TRUE(store.SaveHardState(hs).ok());
  SnapshotMeta meta{LogIndex(0), Term(0), Configuration{{PeerInfo{"n1", "", PeerRole::kVoter}}}};
  ASSERT_TRUE(store.SaveSnapshotMeta(meta).ok());
  store.Crash();
  auto state = store.LoadState();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->hard_state, hs);
  EXPECT_EQ(state->snapshot, meta);
}

TEST(SimLogStoreTest, PurgeKeepsTheTermOfTheLastPurgedEntry) {
  SimLogStore store;
  ASSERT_TRUE(store.Append({E(1, 1), E(2, 2), E(3, 2), E(4, 3)}).ok());
  ASSERT_TRUE(store.Sync().ok());
  ASSERT_TRUE(store.Purge(LogIndex(2)).ok());
  EXPECT_EQ(store.FirstIndex(), LogIndex(3));
  EXPECT_EQ(*store.TermAt(LogIndex(2)), Term(2));
  EXPECT_TRUE(store.TermAt(LogIndex(1)).status().IsNotFound());
  store.Crash();
  EXPECT_EQ(store.FirstIndex(), LogIndex(3));
  EXPECT_EQ(store.LastIndex(), LogIndex(4));
  ASSERT_TRUE(store.Purge(LogIndex(1)).ok());  // already purged: nothing to do
  EXPECT_EQ(store.FirstIndex(), LogIndex(3));
}

TEST(SimLogStoreTest, PurgePastTheDurableLogIsAViolation) {
  SimLogStore store;
  ASSERT_TRUE(store.Append({E(1, 1), E(2, 1)}).ok());
  ASSERT_TRUE(store.Sync().ok());
  ASSERT_TRUE(store.Append({E(3, 1)}).ok());
  EXPECT_FALSE(store.Purge(LogIndex(3)).ok());
  ASSERT_TRUE(store.contract_violation().has_value());
  EXPECT_NE(store.contract_violation()->find("durable"), std::string::npos);
}

TEST(SimLogStoreTest, ResetToSnapshotIsDurableAndDropsUnsyncedWrites) {
  SimLogStore store;
  ASSERT_TRUE(store.Append({E(1, 1), E(2, 1)}).ok());
  SnapshotMeta meta{LogIndex(10), Term(4), {}};
  ASSERT_TRUE(store.ResetToSnapshot(meta).ok());
  EXPECT_EQ(store.FirstIndex(), LogIndex(11));
  EXPECT_EQ(*store.TermAt(LogIndex(10)), Term(4));
  store.Crash();
  EXPECT_EQ(store.FirstIndex(), LogIndex(11));
  EXPECT_EQ(store.LastIndex(), LogIndex(10));
  EXPECT_EQ(store.LoadState()->snapshot, meta);
  ASSERT_TRUE(store.Append({E(11, 4)}).ok());
}

TEST(SimLogStoreTest, LoadStateListsConfigEntriesAfterTheSnapshot) {
  SimLogStore store;
  ASSERT_TRUE(
      store.Append({E(1, 1, "c1", EntryType::kConfig), E(2, 1), E(3, 1, "c3", EntryType::kConfig)})
          .ok());
  ASSERT_TRUE(store.Sync().ok());
  ASSERT_TRUE(store.SaveSnapshotMeta(SnapshotMeta{LogIndex(2), Term(1), {}}).ok());
  auto state = store.LoadState();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->config_entries.size(), 1u);
  EXPECT_EQ(state->config_entries[0].index, LogIndex(3));
}

TEST(SimLogStoreTest, AppendWithAGapIsAViolation) {
  SimLogStore store;
  ASSERT_TRUE(store.Append({E(1, 1)}).ok());
  EXPECT_TRUE(store.Append({E(3, 1)}).IsInvalidArgument());
  EXPECT_TRUE(store.contract_violation().has_value());
}

TEST(SimLogStoreTest, ReadStopsAtMaxBytesAndChecksItsRange) {
  SimLogStore store;
  ASSERT_TRUE(store.Append({E(1, 1, "aaaa"), E(2, 1, "bbbb"), E(3, 1, "cccc")}).ok());
  std::vector<Entry> out;
  ASSERT_TRUE(store.Read(LogIndex(1), LogIndex(4), 1, &out).ok());
  EXPECT_EQ(out.size(), 1u);  // at least one entry, then stop
  out.clear();
  ASSERT_TRUE(store.Read(LogIndex(1), LogIndex(4), 1 << 20, &out).ok());
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].bytes(), "cccc");
  EXPECT_FALSE(store.contract_violation().has_value());
  out.clear();
  EXPECT_FALSE(store.Read(LogIndex(2), LogIndex(5), 1 << 20, &out).ok());
  EXPECT_TRUE(store.contract_violation().has_value());
}

}  // namespace
}  // namespace ozone::raft::sim
