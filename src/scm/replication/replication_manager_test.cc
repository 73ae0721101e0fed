#include "scm/replication/replication_manager.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"
#include "scm/node/datanode_details.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

using testing::ReplicatedScm;
using testing::ScmNode;

class ReplicationManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns_ = scm_.RegisterDatanodes(5);
    auto p = scm_.OpenPipeline(hdds::THREE);
    ASSERT_TRUE(p.ok()) << p.status();
    id_ = scm_.containers.AllocateContainer(*p, "om1")->containerid();
    ASSERT_TRUE(scm_.containers.CloseContainer(id_).ok());
    for (const auto& m : p->members()) members_.push_back(m.uuid());
    Drain();
  }
  void Drain() {
    for (const auto& dn : dns_) scm_.TakeCommands(dn);
  }
  // Commands queued per datanode, by type.
  std::map<std::string, std::vector<SCMCommandProto>> Commands() {
    std::map<std::string, std::vector<SCMCommandProto>> out;
    for (const auto& dn : dns_) {
      auto commands = scm_.TakeCommands(dn);
      if (!commands.empty()) out[dn] = std::move(commands);
    }
    return out;
  }

  testutil::TempDir tmp_;
  ReplicatedScm state_{tmp_.Sub("scm.db")};
  ManualClock clock_;
  ScmNode scm_{&state_, &clock_};
  std::vector<std::string> dns_;
  std::vector<std::string> members_;
  int64_t id_ = 0;
};

TEST_F(ReplicationManagerTest, UnderReplicatedContainersAreCopiedOnceWhilePending) {
  scm_.BecomeLeader(Term(6));
  scm_.ReportReplica(members_[0], id_, REPLICA_CLOSED);
  ASSERT_EQ(state_.containers.Get(id_)->state(), hdds::CLOSED);
  scm_.replication.ProcessAll();
  auto commands = Commands();
  ASSERT_EQ(commands.size(), 2u);  // two targets, one copy each
  for (const auto& [dn, cmds] : commands) {
    EXPECT_NE(dn, members_[0]);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(cmds[0].commandtype(), SCMCommandProto::replicateContainerCommand);
    EXPECT_EQ(cmds[0].term(), 6);
    const auto& r = cmds[0].replicatecontainercommandproto();
    EXPECT_EQ(r.containerid(), id_);
    ASSERT_EQ(r.sources_size(), 1);
    EXPECT_EQ(r.sources(0).uuid(), members_[0]);
    EXPECT_EQ(r.target().uuid(), dn);
  }
  // Pending: not again.
  scm_.replication.ProcessAll();
  EXPECT_TRUE(Commands().empty());
  // Until the command timed out.
  clock_.Advance(std::chrono::minutes(11));
  for (const auto& dn : dns_) scm_.nodes.Heartbeat(dn, nullptr, false);
  scm_.replication.ProcessAll();
  EXPECT_EQ(Commands().size(), 2u);
}

TEST_F(ReplicationManagerTest, ReplicasOnDeadDatanodesDoNotCount) {
  for (const auto& m : members_) scm_.ReportReplica(m, id_, REPLICA_CLOSED);
  scm_.replication.ProcessAll();
  EXPECT_TRUE(Commands().empty());  // correctly replicated
  clock_.Advance(std::chrono::minutes(11));
  for (const auto& dn : dns_) {
    if (dn != members_[2]) scm_.nodes.Heartbeat(dn, nullptr, false);
  }
  scm_.replication.ProcessAll();
  auto commands = Commands();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_FALSE(commands.contains(members_[2]));
  EXPECT_EQ(commands.begin()->second[0].replicatecontainercommandproto().sources_size(), 2);
}

TEST_F(ReplicationManagerTest, OverReplicatedContainersLoseTheExtraReplicas) {
  for (const auto& dn : dns_) scm_.ReportReplica(dn, id_, REPLICA_CLOSED);
  scm_.replication.ProcessAll();
  auto commands = Commands();
  ASSERT_EQ(commands.size(), 2u);
  std::vector<std::string> sorted = dns_;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& dn : {sorted[3], sorted[4]}) {
    ASSERT_TRUE(commands.contains(dn));
    EXPECT_EQ(commands[dn][0].commandtype(), SCMCommandProto::deleteContainerCommand);
    EXPECT_EQ(commands[dn][0].deletecontainercommandproto().containerid(), id_);
  }
  scm_.replication.ProcessAll();
  EXPECT_TRUE(Commands().empty());
  // The replicas went away: settled.
  scm_.ReportReplica(sorted[3], id_, REPLICA_DELETED);
  scm_.ReportReplica(sorted[4], id_, REPLICA_DELETED);
  scm_.replication.ProcessAll();
  EXPECT_TRUE(Commands().empty());
}

TEST_F(ReplicationManagerTest, DeletingContainersAreCleanedUpOnceEmpty) {
  scm_.ReportReplica(members_[0], id_, REPLICA_CLOSED);
  ASSERT_TRUE(scm_.containers.UpdateState(id_, DELETE).ok());
  scm_.replication.ProcessAll();
  auto commands = Commands();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[members_[0]][0].commandtype(), SCMCommandProto::deleteContainerCommand);
  scm_.ReportReplica(members_[0], id_, REPLICA_DELETED);
  scm_.replication.ProcessAll();
  EXPECT_EQ(state_.containers.Get(id_)->state(), hdds::DELETED);
}

TEST_F(ReplicationManagerTest, NothingOnFollowersOrWhenDisabledAndANewLeaderStartsAfresh) {
  scm_.ReportReplica(members_[0], id_, REPLICA_CLOSED);
  scm_.replication.SetEnabled(false);
  scm_.replication.ProcessAll();
  EXPECT_TRUE(Commands().empty());
  scm_.replication.SetEnabled(true);
  scm_.BecomeFollower(Term(2), "scm2");
  scm_.replication.ProcessAll();
  EXPECT_EQ(scm_.nodes.QueuedCommands(dns_[3]) + scm_.nodes.QueuedCommands(dns_[4]), 0u);
  scm_.BecomeLeader(Term(3));
  scm_.replication.ProcessAll();
  EXPECT_EQ(Commands().size(), 2u);
  scm_.replication.ProcessAll();
  EXPECT_TRUE(Commands().empty());
  // A new leadership forgets what was pending (datanodes drop commands of older terms).
  scm_.BecomeLeader(Term(4));
  scm_.replication.ProcessAll();
  auto commands = Commands();
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands.begin()->second[0].term(), 4);
}

TEST_F(ReplicationManagerTest, TheServiceWaitsAfterSafeMode) {
  auto service = scm_.replication.service();
  scm_.context.SetSafeMode(ha::SafeModeStatus::kPreChecksPassed);
  service->NotifyStatusChanged();
  EXPECT_FALSE(service->ShouldRun());
  scm_.context.SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
  service->NotifyStatusChanged();
  EXPECT_FALSE(service->ShouldRun());  // hdds.scm.wait.time.after.safemode.exit
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_TRUE(service->ShouldRun());
}

}  // namespace
}  // namespace ozone::scm
