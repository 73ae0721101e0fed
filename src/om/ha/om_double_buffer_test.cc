// The double buffer (DbStateMachine in double-buffer mode under OmApplyHandler): reads see
// applied entries before they are flushed, entries are committed in batches with
// #TRANSACTIONINFO, back-pressure bounds the unflushed entries, and the caches are evicted once
// flushed.
#include <gtest/gtest.h>

#include <thread>

#include "ha/transaction_info.h"
#include "om/ha/om_replicated_state.h"
#include "om/metadata/om_db_definition.h"
#include "om/metadata/om_db_keys.h"
#include "om/read/om_metadata_reader.h"
#include "om/testing/om_request_test_base.h"

namespace ozone::om {
namespace {

std::string Entry(const OMRequest& request, uint64_t time = 1000) {
  OMLogEntry e;
  e.set_version(1);
  *e.mutable_request() = request;
  e.set_leadertimemillis(time);
  return e.SerializeAsString();
}

TEST(OmDoubleBufferTest, ReadsSeeAppliedEntriesBeforeTheyAreFlushed) {
  testutil::TempDir tmp;
  auto db = *storage::DBStore::Open(tmp.Sub("om.db"), OmDbDefinition());
  OmReplicatedState state{OmOptions()};
  ASSERT_TRUE(state.handler().Reload(*db).ok());
  storage::WriteBatch batch;  // never committed: the flush has not happened
  ha::ApplyContext ctx{ha::TransactionInfo{Term(1), LogIndex(1)}, db.get(), &batch};
  OMRequest create = testing::CreateVolume("vol1");
  create.mutable_createvolumerequest()->mutable_volumeinfo()->set_creationtime(1);
  ASSERT_TRUE(state.handler().Apply(Entry(create), ctx).ok());

  OmMetadataReader reader(&state.metadata());
  OMResponse info = *reader.Read(testing::InfoVolume("vol1"));
  EXPECT_EQ(info.status(), OK);
  auto volumes = *storage::Table<storage::StringCodec, storage::ProtoCodec<VolumeInfo>>::Open(
      *db, kVolumeTable);
  EXPECT_FALSE((*volumes.Get("/vol1")).has_value());  // only in the cache
  EXPECT_GT(batch.Count(), 0u);                       // and in the buffer

  ASSERT_TRUE(db->Commit(batch).ok());
  state.handler().OnFlushedThrough(ha::TransactionInfo{Term(1), LogIndex(1)});
  EXPECT_EQ(reader.Read(testing::InfoVolume("vol1"))->status(), OK);  // now from the full cache
}

TEST(OmDoubleBufferTest, ABucketRewrittenByManyCommitsIsWrittenOncePerBatch) {
  testutil::TempDir tmp;
  auto db = *storage::DBStore::Open(tmp.Sub("om.db"), OmDbDefinition());
  OmReplicatedState state{OmOptions()};
  ASSERT_TRUE(state.handler().Reload(*db).ok());
  uint64_t index = 0;
  auto apply = [&](storage::WriteBatch& batch, const OMRequest& request) {
    ha::ApplyContext ctx{ha::TransactionInfo{Term(1), LogIndex(++index)}, db.get(), &batch};
    OMResponse r;
    ASSERT_TRUE(r.ParseFromString(*state.handler().Apply(Entry(request), ctx)));
    ASSERT_EQ(r.status(), OK) << r.message();
  };
  storage::WriteBatch setup;
  apply(setup, testing::CreateVolume("vol1"));
  apply(setup, testing::CreateBucket("vol1", "bucket1"));
  state.handler().BeforeCommit(setup);
  ASSERT_TRUE(db->Commit(setup).ok());

  storage::WriteBatch batch;
  constexpr uint64_t kKeys = 5;
  for (uint64_t i = 0; i < kKeys; ++i) {
    OMRequest open = testing::CreateKey("vol1", "bucket1", "k" + std::to_string(i));
    open.mutable_createkeyrequest()->set_clientid(100 + i);
    apply(batch, open);
    apply(batch, testing::CommitKey("vol1", "bucket1", "k" + std::to_string(i), 100 + i,
                                    KeyInfo(), /*size=*/0));
  }
  size_t before = batch.Count();
  state.handler().BeforeCommit(batch);
  EXPECT_EQ(batch.Count(), before + 1) << "one bucket row for the five commits";
  ASSERT_TRUE(db->Commit(batch).ok());
  state.handler().BeforeCommit(batch);  // nothing left over
  EXPECT_EQ(batch.Count(), before + 1);

  auto buckets = *storage::Table<storage::StringCodec, storage::ProtoCodec<BucketInfo>>::Open(
      *db, kBucketTable);
  std::optional<BucketInfo> stored = *buckets.Get(BucketDbKey("vol1", "bucket1"));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->usednamespace(), kKeys);  // the last value
}

TEST(OmDoubleBufferTest, PartialCacheIsEvictedAfterTheFlush) {
  testutil::TempDir tmp;
  ManualClock clock;
  testing::OmTestCluster cluster(tmp.path(), 1, OmOptions(), &clock);
  ASSERT_EQ(cluster.Submit(testing::CreateVolume("vol1"))->status(), OK);
  ASSERT_EQ(cluster.Submit(testing::CreateBucket("vol1", "bucket1"))->status(), OK);
  ASSERT_EQ(testing::PutKey(cluster, "vol1", "bucket1", "k1")->status(), OK);
  ASSERT_TRUE(cluster.sm(0).Flush().ok());
  EXPECT_EQ(cluster.state(0).metadata().keys().cached_entries(), 0u);
  EXPECT_EQ(cluster.state(0).metadata().open_keys().cached_entries(), 0u);
  EXPECT_EQ(cluster.Submit(testing::LookupKey("vol1", "bucket1", "k1"))->status(), OK);  // from om.db
  EXPECT_EQ(cluster.sm(0).flushed().index, cluster.log().last_index());
}

TEST(OmDoubleBufferTest, ConcurrentWritesAreFlushedInBatchesWithTheTransactionInfo) {
  testutil::TempDir tmp;
  ManualClock clock;
  testing::OmTestCluster cluster(tmp.path(), 1, OmOptions(), &clock, /*sync=*/true);
  ASSERT_EQ(cluster.Submit(testing::CreateVolume("vol1"))->status(), OK);
  ASSERT_EQ(cluster.Submit(testing::CreateBucket("vol1", "bucket1"))->status(), OK);
  constexpr int kThreads = 8, kKeys = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kKeys; ++i) {
        std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_EQ(testing::PutKey(cluster, "vol1", "bucket1", key)->status(), OK);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(cluster.sm(0).Flush().ok());
  ha::FlushStats stats = cluster.sm(0).flush_stats();
  uint64_t entries = cluster.log().last_index().value();
  EXPECT_EQ(stats.flushed_entries, entries);
  EXPECT_LT(stats.flushes, entries);  // batched
  EXPECT_GT(stats.AverageEntriesPerFlush(), 1.0);
  auto raw = *cluster.sm(0).db()->Table(kTransactionInfoTable.name);
  auto stored = ha::DecodeTransactionInfo(**raw->Get(ha::kTransactionInfoKey));
  EXPECT_EQ(stored->index, cluster.log().last_index());
  OMResponse listed = *cluster.Submit(testing::ListKeys("vol1", "bucket1"));
  EXPECT_EQ(listed.listkeysresponse().keyinfo_size(), kThreads * kKeys);
}

TEST(OmDoubleBufferTest, BackPressureBoundsUnflushedEntries) {
  testutil::TempDir tmp;
  ManualClock clock;
  OmOptions options;
  options.unflushed_transaction_max_count = 1;
  testing::OmTestCluster cluster(tmp.path(), 1, options, &clock);
  ASSERT_EQ(cluster.Submit(testing::CreateVolume("vol1"))->status(), OK);
  ASSERT_EQ(cluster.Submit(testing::CreateBucket("vol1", "bucket1"))->status(), OK);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(testing::PutKey(cluster, "vol1", "bucket1", "k" + std::to_string(i))->status(), OK);
  }
  ASSERT_TRUE(cluster.sm(0).Flush().ok());
  ha::FlushStats stats = cluster.sm(0).flush_stats();
  EXPECT_EQ(stats.max_entries_in_flush, 1u);  // never more than one entry unflushed
  EXPECT_EQ(stats.flushed_entries, cluster.log().last_index().value());
}

}  // namespace
}  // namespace ozone::om
