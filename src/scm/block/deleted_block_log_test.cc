#include "scm/block/deleted_block_log.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

using testing::ReplicatedScm;
using testing::ScmNode;

class DeletedBlockLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns_ = scm_.RegisterDatanodes(4);
    auto p = scm_.OpenPipeline(hdds::THREE);
    ASSERT_TRUE(p.ok()) << p.status();
    closed_ = scm_.containers.AllocateContainer(*p, "om1")->containerid();
    open_ = scm_.containers.AllocateContainer(*p, "om1")->containerid();
    ASSERT_TRUE(scm_.containers.CloseContainer(closed_).ok());
    for (const auto& m : p->members()) {
      holders_.push_back(m.uuid());
      scm_.ReportReplica(m.uuid(), closed_, REPLICA_CLOSED, 10, 1);
      scm_.ReportReplica(m.uuid(), open_, REPLICA_OPEN);
    }
    ASSERT_EQ(state_.containers.Get(closed_)->state(), hdds::CLOSED);
    for (const auto& dn : dns_) scm_.TakeCommands(dn);
  }

  // The transactions in the delete commands queued for `dn`, with their terms.
  std::vector<std::pair<int64_t, int64_t>> Sent(const std::string& dn) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (const auto& cmd : scm_.TakeCommands(dn)) {
      EXPECT_EQ(cmd.commandtype(), SCMCommandProto::deleteBlocksCommand);
      for (const auto& tx : cmd.deleteblockscommandproto().deletedblockstransactions()) {
        out.emplace_back(tx.txid(), cmd.term());
      }
    }
    return out;
  }
  CommandStatus Ack(std::vector<int64_t> committed, std::vector<int64_t> failed = {}) {
    CommandStatus s;
    s.set_cmdid(1);
    s.set_status(failed.empty() ? CommandStatus::EXECUTED : CommandStatus::FAILED);
    s.set_type(SCMCommandProto::deleteBlocksCommand);
    for (int64_t tx : committed) s.add_committedtxids(tx);
    for (int64_t tx : failed) s.add_failedtxids(tx);
    return s;
  }

  testutil::TempDir tmp_;
  ReplicatedScm state_{tmp_.Sub("scm.db")};
  ManualClock clock_;
  ScmNode scm_{&state_, &clock_};
  std::vector<std::string> dns_;
  std::vector<std::string> holders_;
  int64_t closed_ = 0;
  int64_t open_ = 0;
};

TEST_F(DeletedBlockLogTest, AddsOneTransactionPerContainer) {
  ASSERT_TRUE(
      scm_.deleted_blocks.AddTransactions({{closed_, {1, 2, 3}}, {open_, {4}}, {99, {}}}).ok());
  EXPECT_EQ(scm_.deleted_blocks.Summary().transactions, 2u);
  EXPECT_EQ(scm_.deleted_blocks.Summary().blocks, 4u);
  auto tx = state_.deleted_blocks.Get(1);
  ASSERT_TRUE(tx);
  EXPECT_EQ(tx->containerid(), closed_);
  EXPECT_EQ(tx->localid_size(), 3);
  EXPECT_EQ(state_.sequence_ids.LastId(ha::kDelTxnId), 1000u);
}

TEST_F(DeletedBlockLogTest, SendsToTheReplicasWithTheTermAndRemovesOnceAllAcknowledged) {
  scm_.BecomeLeader(Term(7));
  ASSERT_TRUE(scm_.deleted_blocks.AddTransactions({{closed_, {1, 2}}, {open_, {3}}}).ok());
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 1u);  // the open container waits
  for (const auto& dn : dns_) {
    bool holder = std::find(holders_.begin(), holders_.end(), dn) != holders_.end();
    auto sent = Sent(dn);
    if (holder) {
      EXPECT_EQ(sent, (std::vector<std::pair<int64_t, int64_t>>{{1, 7}})) << dn;
    } else {
      EXPECT_TRUE(sent.empty()) << dn;
    }
  }
  // In flight: not sent again.
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 0u);

  scm_.deleted_blocks.ProcessCommandStatus(holders_[0], Ack({1}));
  scm_.deleted_blocks.ProcessCommandStatus(holders_[1], Ack({1}));
  EXPECT_TRUE(state_.deleted_blocks.Get(1));
  scm_.deleted_blocks.ProcessCommandStatus(holders_[2], Ack({1}));
  EXPECT_FALSE(state_.deleted_blocks.Get(1));
  EXPECT_EQ(scm_.deleted_blocks.Summary().transactions, 1u);
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 0u);
}

TEST_F(DeletedBlockLogTest, FailedAndTimedOutTransactionsAreSentAgain) {
  ASSERT_TRUE(scm_.deleted_blocks.AddTransactions({{closed_, {1}}}).ok());
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 1u);
  for (const auto& dn : holders_) Sent(dn);
  scm_.deleted_blocks.ProcessCommandStatus(holders_[0], Ack({}, {1}));
  scm_.deleted_blocks.ProcessCommandStatus(holders_[1], Ack({1}));
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 1u);
  EXPECT_EQ(Sent(holders_[0]).size(), 1u);  // failed: again
  EXPECT_TRUE(Sent(holders_[1]).empty());   // acknowledged
  EXPECT_TRUE(Sent(holders_[2]).empty());   // still in flight
  clock_.Advance(std::chrono::minutes(6));
  // Keep the datanodes healthy.
  for (const auto& dn : dns_) scm_.nodes.Heartbeat(dn, nullptr, false);
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 1u);
  EXPECT_EQ(Sent(holders_[0]).size(), 1u);
  EXPECT_TRUE(Sent(holders_[1]).empty());
  auto again = Sent(holders_[2]);
  ASSERT_EQ(again.size(), 1u);
}

TEST_F(DeletedBlockLogTest, ANewLeaderForgetsWhatWasInFlight) {
  ASSERT_TRUE(scm_.deleted_blocks.AddTransactions({{closed_, {1}}}).ok());
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 1u);
  scm_.deleted_blocks.ProcessCommandStatus(holders_[0], Ack({1}));
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 0u);
  scm_.BecomeFollower(Term(2), "scm2");
  scm_.BecomeLeader(Term(3));
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 1u);
  for (const auto& dn : holders_) {
    auto sent = Sent(dn);
    ASSERT_EQ(sent.size(), 1u) << dn;
    EXPECT_EQ(sent[0].second, 3);
  }
}

TEST_F(DeletedBlockLogTest, AReplicaOnADeadDatanodeDoesNotHoldTheRemovalBack) {
  ASSERT_TRUE(scm_.deleted_blocks.AddTransactions({{closed_, {1}}}).ok());
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 1u);
  for (const auto& dn : holders_) Sent(dn);
  // holders_[2] dies; the container is copied to the fourth datanode.
  clock_.Advance(std::chrono::minutes(11));
  std::string spare;
  for (const auto& dn : dns_) {
    if (dn != holders_[2]) scm_.nodes.Heartbeat(dn, nullptr, true);
    if (std::find(holders_.begin(), holders_.end(), dn) == holders_.end()) spare = dn;
  }
  scm_.ReportReplica(spare, closed_, REPLICA_CLOSED, 10, 1);
  scm_.deleted_blocks.ProcessCommandStatus(holders_[0], Ack({1}));
  scm_.deleted_blocks.ProcessCommandStatus(holders_[1], Ack({1}));
  EXPECT_TRUE(state_.deleted_blocks.Get(1));  // two of three replicas
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 1u);
  EXPECT_EQ(Sent(spare).size(), 1u);
  EXPECT_EQ(scm_.nodes.QueuedCommands(holders_[2]), 0u);  // dead: nothing sent
  scm_.deleted_blocks.ProcessCommandStatus(spare, Ack({1}));
  EXPECT_FALSE(state_.deleted_blocks.Get(1));
}

TEST_F(DeletedBlockLogTest, FollowersNeitherAddNorSendNorRemove) {
  ASSERT_TRUE(scm_.deleted_blocks.AddTransactions({{closed_, {1}}}).ok());
  scm_.BecomeFollower(Term(2), "scm2");
  EXPECT_TRUE(scm_.deleted_blocks.AddTransactions({{closed_, {2}}}).IsNotLeader());
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 0u);
  for (const auto& dn : holders_) scm_.deleted_blocks.ProcessCommandStatus(dn, Ack({1}));
  EXPECT_TRUE(state_.deleted_blocks.Get(1));
}

TEST_F(DeletedBlockLogTest, TransactionsOfUnknownContainersAreDropped) {
  ASSERT_TRUE(scm_.deleted_blocks.AddTransactions({{12345, {1}}}).ok());
  EXPECT_EQ(scm_.deleted_blocks.SendDeleteCommands(), 0u);
  EXPECT_EQ(scm_.deleted_blocks.Summary().transactions, 0u);
}

TEST_F(DeletedBlockLogTest, TheServiceRunsOnlyOnTheReadyLeaderOutOfSafeMode) {
  ASSERT_TRUE(scm_.deleted_blocks.AddTransactions({{closed_, {1}}}).ok());
  auto service =
      MakeBlockDeletingService(&scm_.deleted_blocks, &scm_.context, std::chrono::hours(1));
  scm_.context.SetSafeMode(ha::SafeModeStatus::kPreChecksPassed);
  service->NotifyStatusChanged();
  service->RunOnce();
  EXPECT_EQ(service->runs(), 0u);
  scm_.context.SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
  service->NotifyStatusChanged();
  service->RunOnce();
  EXPECT_EQ(service->runs(), 1u);
  EXPECT_EQ(Sent(holders_[0]).size(), 1u);
}

}  // namespace
}  // namespace ozone::scm
