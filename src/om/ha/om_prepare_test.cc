// OM prepare (OmPrepareState through the flow and the apply handler) on OmTestCluster replicas:
// every replica, once leader, refuses to log writes; replicas apply what the log holds alike;
// the state is PREPARE_COMPLETED once flushed, survives a restart, and is cleared by CancelPrepare
// and by a start with --upgrade.
#include <gtest/gtest.h>

#include "om/ha/om_prepare_state.h"
#include "om/metadata/om_db_definition.h"
#include "om/testing/om_request_test_base.h"

namespace ozone::om {
namespace {

OMRequest PrepareRequest() {
  OMRequest r;
  r.set_cmdtype(Type::Prepare);
  r.mutable_preparerequest()->mutable_args();
  return r;
}

OMRequest CancelPrepareRequest() {
  OMRequest r;
  r.set_cmdtype(Type::CancelPrepare);
  r.mutable_cancelpreparerequest();
  return r;
}

PrepareStatusResponse StatusOf(testing::OmTestCluster& cluster, int i) {
  OMRequest r;
  r.set_cmdtype(Type::PrepareStatus);
  r.mutable_preparestatusrequest()->set_txnid(0);
  return cluster.flow(i).Read(r)->preparestatusresponse();
}

bool HasVolume(testing::OmTestCluster& cluster, int i, const std::string& volume) {
  return cluster.flow(i).Read(testing::InfoVolume(volume))->status() == OK;
}

class OmPrepareTest : public ::testing::Test {
 protected:
  testutil::TempDir tmp_;
  ManualClock clock_;
  testing::OmTestCluster cluster_{tmp_.path(), 3, OmOptions(), &clock_};
};

TEST_F(OmPrepareTest, WritesAreRefusedOnEveryReplicaUntilTheCancel) {
  ASSERT_EQ(cluster_.Submit(testing::CreateVolume("vol1"))->status(), OK);
  EXPECT_EQ(StatusOf(cluster_, 0).status(), PrepareStatusResponse::NOT_PREPARED);

  Result<OMResponse> prepared = cluster_.Submit(PrepareRequest());
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  ASSERT_EQ(prepared->status(), OK) << prepared->message();
  const uint64_t txn = prepared->prepareresponse().txnid();
  EXPECT_GT(txn, 0u);
  for (int i = 1; i < 3; ++i) ASSERT_TRUE(cluster_.CatchUp(i).ok());
  ASSERT_TRUE(cluster_.FlushAll().ok());
  for (int i = 0; i < 3; ++i) {
    PrepareStatusResponse st = StatusOf(cluster_, i);
    EXPECT_EQ(st.status(), PrepareStatusResponse::PREPARE_COMPLETED) << i;
    EXPECT_EQ(st.currenttxnindex(), txn) << i;
  }

  OMResponse refused = *cluster_.Submit(testing::CreateVolume("vol2"));
  EXPECT_EQ(refused.status(), NOT_SUPPORTED_OPERATION_WHEN_PREPARED);
  EXPECT_EQ(refused.message(), "Cannot apply write request CreateVolume when OM is in prepare mode.");
  EXPECT_TRUE(HasVolume(cluster_, 0, "vol1")) << "reads are served";
  const uint64_t logged = cluster_.log().last_index().value();

  // Another replica takes over: still prepared (the state is replicated), still refusing.
  ASSERT_TRUE(cluster_.Failover(1).ok());
  EXPECT_EQ(cluster_.Submit(testing::CreateBucket("vol1", "b1"))->status(),
            NOT_SUPPORTED_OPERATION_WHEN_PREPARED);
  EXPECT_EQ(cluster_.log().last_index().value(), logged + 1) << "refused before logging (the failover's "
                                                        "entry only)";

  ASSERT_EQ(cluster_.Submit(CancelPrepareRequest())->status(), OK);
  for (int i : {0, 2}) ASSERT_TRUE(cluster_.CatchUp(i).ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(StatusOf(cluster_, i).status(), PrepareStatusResponse::NOT_PREPARED) << i;
  }
  ASSERT_EQ(cluster_.Submit(testing::CreateVolume("vol2"))->status(), OK);
  for (int i : {0, 2}) ASSERT_TRUE(cluster_.CatchUp(i).ok());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(HasVolume(cluster_, i, "vol2")) << i;
}

TEST_F(OmPrepareTest, ReplicasApplyTheLogAlikeWhateverTheirOwnPrepareState) {
  ASSERT_EQ(cluster_.Submit(PrepareRequest())->status(), OK);
  for (int i = 1; i < 3; ++i) ASSERT_TRUE(cluster_.CatchUp(i).ok());
  // One OM restarts with --upgrade (its prepare cancelled locally) and leads: it logs writes.
  ASSERT_TRUE(cluster_.Restart(1, /*flush_first=*/true, /*cancel_prepare=*/true).ok());
  ASSERT_TRUE(cluster_.Failover(1).ok());
  ASSERT_EQ(cluster_.Submit(testing::CreateVolume("upgraded"))->status(), OK);
  // The still-prepared replicas apply them too: the barrier is where writes are logged.
  for (int i : {0, 2}) {
    ASSERT_TRUE(cluster_.CatchUp(i).ok());
    EXPECT_TRUE(HasVolume(cluster_, i, "upgraded")) << i;
    EXPECT_EQ(StatusOf(cluster_, i).status(), PrepareStatusResponse::PREPARE_COMPLETED) << i;
  }
}

TEST_F(OmPrepareTest, ThePreparedStateSurvivesARestartAndUpgradeCancelsIt) {
  ASSERT_EQ(cluster_.Submit(PrepareRequest())->status(), OK);
  ASSERT_TRUE(cluster_.CatchUp(1).ok());
  ASSERT_TRUE(cluster_.Restart(1, /*flush_first=*/true).ok());
  EXPECT_EQ(StatusOf(cluster_, 1).status(), PrepareStatusResponse::PREPARE_COMPLETED);
  // Restarted without a flush: the Prepare is replayed from the log.
  ASSERT_TRUE(cluster_.CatchUp(2).ok());
  ASSERT_TRUE(cluster_.Restart(2).ok());
  ASSERT_TRUE(cluster_.CatchUp(2).ok());
  ASSERT_TRUE(cluster_.sm(2).Flush().ok());
  EXPECT_EQ(StatusOf(cluster_, 2).status(), PrepareStatusResponse::PREPARE_COMPLETED);

  // `ozone om --upgrade` on the leader: the row goes, writes are accepted again.
  ASSERT_TRUE(cluster_.Restart(0, /*flush_first=*/true, /*cancel_prepare=*/true).ok());
  EXPECT_EQ(StatusOf(cluster_, 0).status(), PrepareStatusResponse::NOT_PREPARED);
  EXPECT_EQ(cluster_.Submit(testing::CreateVolume("vol9"))->status(), OK);
  auto raw = *cluster_.sm(0).db()->Table(kTransactionInfoTable.name);
  ASSERT_TRUE(cluster_.sm(0).Flush().ok());
  EXPECT_FALSE((*raw->Get(kPreparedInfoKey)).has_value());
}

TEST_F(OmPrepareTest, AMalformedPrepareChangesNothing) {
  OMRequest bad;
  bad.set_cmdtype(Type::Prepare);  // no prepareRequest
  EXPECT_EQ(cluster_.Submit(bad)->status(), INVALID_REQUEST);
  EXPECT_EQ(StatusOf(cluster_, 0).status(), PrepareStatusResponse::NOT_PREPARED);
  EXPECT_EQ(cluster_.Submit(testing::CreateVolume("vol1"))->status(), OK);
}

}  // namespace
}  // namespace ozone::om
