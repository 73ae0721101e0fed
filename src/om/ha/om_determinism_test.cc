// Replicas applying the same log end with identical om.db; a restart resumes from the flushed
// index; the retry cache answers a retried write with the original response on any replica,
// across a failover, and forgets it after the expiry counted in leader time.
#include <gtest/gtest.h>

#include "om/ha/om_apply_handler.h"
#include "om/testing/om_request_test_base.h"

namespace ozone::om {
namespace {

class OmReplicasTest : public testing::OmRequestTest {
 protected:
  int replicas() const override { return 3; }

  void Workload(int keys) {
    Expect(OK, testing::CreateVolume("vol1"));
    Expect(OK, testing::CreateBucket("vol1", "bucket1"));
    for (int i = 0; i < keys; ++i) {
      clock_.Advance(std::chrono::milliseconds(7));
      ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "k" + std::to_string(i), 10)->status(), OK);
    }
    Expect(OK, testing::DeleteKey("vol1", "bucket1", "k0"));
    Expect(VOLUME_ALREADY_EXISTS, testing::CreateVolume("vol1"));
  }
  std::string Dump(int i) { return *testing::DumpDb(*cluster_->sm(i).db()); }
};

TEST_F(OmReplicasTest, ReplicasApplyingTheSameLogHoldIdenticalDatabases) {
  Workload(50);
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  ASSERT_TRUE(cluster_->CatchUp(2).ok());
  ASSERT_TRUE(cluster_->FlushAll().ok());
  std::string leader = Dump(0);
  EXPECT_NE(leader.find("keyTable\t/vol1/bucket1/k1\t"), std::string::npos);
  EXPECT_EQ(Dump(1), leader);
  EXPECT_EQ(Dump(2), leader);
}

// The leader applies the entries it proposed from the objects it kept (ProposedEntries), the
// followers parse the log's bytes; the test above holds their databases identical.
TEST_F(OmReplicasTest, TheLeaderAppliesTheEntriesItProposedFromTheObjectsItKept) {
  Workload(20);
  EXPECT_EQ(cluster_->state(0).proposed().size(), 0u) << "entries kept but never taken";
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  EXPECT_EQ(cluster_->state(1).proposed().size(), 0u);
  // An entry kept by the leader is what its apply uses: one whose bytes differ is not taken.
  OMLogEntry other;
  other.mutable_request()->set_cmdtype(CreateVolume);
  cluster_->state(0).proposed().Keep("not an entry in the log", other);
  Expect(OK, testing::CreateVolume("vol2"));
  EXPECT_EQ(cluster_->state(0).proposed().size(), 1u);
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  ASSERT_TRUE(cluster_->FlushAll().ok());
  EXPECT_EQ(Dump(1), Dump(0));
}

TEST_F(OmReplicasTest, RestartResumesFromTheFlushedIndex) {
  Workload(20);
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  ASSERT_TRUE(cluster_->sm(1).Flush().ok());
  LogIndex flushed = cluster_->sm(1).flushed().index;
  // More entries, applied on replica 1 but not flushed there, then a crash.
  clock_.Advance(std::chrono::seconds(1));
  Expect(OK, testing::CreateVolume("vol2"));
  Expect(OK, testing::CreateBucket("vol2", "bucket2"));
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  ASSERT_TRUE(cluster_->Restart(1).ok());
  EXPECT_GE(cluster_->sm(1).LastAppliedIndex(), flushed);
  // It replays the rest of the log from what its om.db holds.
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  ASSERT_TRUE(cluster_->FlushAll().ok());
  EXPECT_EQ(Dump(1), Dump(0));
  OMResponse info = *cluster_->flow(1).Read(testing::InfoBucket("vol2", "bucket2"));
  EXPECT_EQ(info.status(), OK);
}

TEST_F(OmReplicasTest, RetriedWriteIsNotAppliedTwiceAcrossAFailover) {
  Expect(OK, testing::CreateVolume("vol1", "hadoop", /*call=*/1));
  // The leader dies after applying; the client's answer is lost. Replica 1 takes over.
  ASSERT_TRUE(cluster_->Failover(1).ok());
  uint64_t entries = cluster_->log().last_index().value();
  OMResponse again = Expect(OK, testing::CreateVolume("vol1", "hadoop", /*call=*/1));
  EXPECT_EQ(cluster_->log().last_index().value(), entries);  // answered from the retry cache
  // A different call is a new write.
  Expect(VOLUME_ALREADY_EXISTS, testing::CreateVolume("vol1", "hadoop", /*call=*/2));
}

TEST_F(OmReplicasTest, DuplicateEntriesInTheLogApplyOnce) {
  // The same write logged twice (a retry raced its original into the log) applies once, with
  // the same answer, on every replica.
  OMRequest create = testing::CreateBucket("vol1", "bucket1", /*call=*/7);
  Expect(OK, testing::CreateVolume("vol1"));
  Expect(OK, create);
  OMLogEntry entry;
  entry.set_version(kOmLogEntryVersion);
  *entry.mutable_request() = create;
  entry.set_leadertimemillis(static_cast<uint64_t>(clock_.WallMillis()));
  OMResponse dup;
  ASSERT_TRUE(dup.ParseFromString(*cluster_->log().Submit(entry.SerializeAsString())));
  EXPECT_EQ(dup.status(), OK);
  ASSERT_TRUE(cluster_->CatchUp(1).ok());
  ASSERT_TRUE(cluster_->FlushAll().ok());
  EXPECT_EQ(Dump(1), Dump(0));
  EXPECT_EQ(Expect(OK, testing::InfoVolume("vol1")).infovolumeresponse().volumeinfo().usednamespace(),
            1u);
}

TEST_F(OmReplicasTest, RetryCacheExpiresByLeaderTime) {
  Expect(OK, testing::CreateVolume("vol1", "hadoop", /*call=*/1));
  clock_.Advance(std::chrono::seconds(301));
  Expect(OK, testing::CreateVolume("vol2", "hadoop", /*call=*/2));  // evicts call 1
  EXPECT_EQ(cluster_->state(0).retry_cache().Lookup("test-client", 1), std::nullopt);
  Expect(VOLUME_ALREADY_EXISTS, testing::CreateVolume("vol1", "hadoop", /*call=*/1));
  // Followers evict the same way (their clocks are not consulted).
  ASSERT_TRUE(cluster_->CatchUp(2).ok());
  EXPECT_EQ(cluster_->state(2).retry_cache().size(), cluster_->state(0).retry_cache().size());
}

TEST_F(OmReplicasTest, RetryCacheSurvivesARestart) {
  Expect(OK, testing::CreateVolume("vol1", "hadoop", /*call=*/1));
  ASSERT_TRUE(cluster_->Restart(0, /*flush_first=*/true).ok());
  uint64_t entries = cluster_->log().last_index().value();
  Expect(OK, testing::CreateVolume("vol1", "hadoop", /*call=*/1));
  EXPECT_EQ(cluster_->log().last_index().value(), entries);
}

TEST_F(OmReplicasTest, AnEntryOfANewerVersionStopsTheReplica) {
  OMLogEntry entry;
  entry.set_version(kOmLogEntryVersion + 1);
  *entry.mutable_request() = testing::CreateVolume("vol1");
  entry.set_leadertimemillis(1);
  Result<std::string> r = cluster_->log().Submit(entry.SerializeAsString());
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(cluster_->sm(0).Flush().ok());  // failed: the replica cannot go on
}

}  // namespace
}  // namespace ozone::om
