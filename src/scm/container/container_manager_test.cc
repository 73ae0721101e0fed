#include "scm/container/container_manager.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"
#include "scm/metadata/scm_codecs.h"
#include "scm/node/datanode_details.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

using testing::ReplicatedScm;
using testing::ScmNode;

class ContainerManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns_ = scm_.RegisterDatanodes(3);
    auto p = scm_.OpenPipeline(hdds::THREE);
    ASSERT_TRUE(p.ok()) << p.status();
    pipeline_ = *p;
    for (const auto& dn : dns_) scm_.TakeCommands(dn);  // the CreatePipeline commands
  }

  testutil::TempDir tmp_;
  ReplicatedScm state_{tmp_.Sub("scm.db")};
  ManualClock clock_;
  ScmNode scm_{&state_, &clock_};
  std::vector<std::string> dns_;
  hdds::Pipeline pipeline_;
};

TEST_F(ContainerManagerTest, AllocatesOpenContainersWithIdsFromTheGenerator) {
  auto a = scm_.containers.AllocateContainer(pipeline_, "om1");
  auto b = scm_.containers.AllocateContainer(pipeline_, "om1");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->containerid(), 1);
  EXPECT_EQ(b->containerid(), 2);
  auto stored = state_.containers.Get(1);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state(), hdds::OPEN);
  EXPECT_EQ(stored->owner(), "om1");
  EXPECT_EQ(stored->replicationfactor(), hdds::THREE);
  EXPECT_EQ(stored->stateentertime(), clock_.WallMillis());
  EXPECT_EQ(PipelineIdToUuid(stored->pipelineid()), PipelineIdToUuid(pipeline_.id()));
  EXPECT_EQ(state_.sequence_ids.LastId(ha::kContainerId), 1000u);  // one batch reserved
}

TEST_F(ContainerManagerTest, CloseFinalizesAndSendsCommandsWithTheTerm) {
  scm_.BecomeLeader(Term(4));
  auto c = scm_.containers.AllocateContainer(pipeline_, "om1");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(scm_.containers.CloseContainer(c->containerid()).ok());
  EXPECT_EQ(state_.containers.Get(c->containerid())->state(), hdds::CLOSING);
  for (const auto& dn : dns_) {
    auto commands = scm_.TakeCommands(dn);
    ASSERT_EQ(commands.size(), 1u) << dn;
    EXPECT_EQ(commands[0].commandtype(), SCMCommandProto::closeContainerCommand);
    EXPECT_EQ(commands[0].term(), 4);
    EXPECT_EQ(commands[0].closecontainercommandproto().containerid(), c->containerid());
  }
  // CLOSING: the command is sent again; a CLOSED container cannot be closed.
  ASSERT_TRUE(scm_.containers.CloseContainer(c->containerid()).ok());
  for (const auto& dn : dns_) scm_.ReportReplica(dn, c->containerid(), REPLICA_CLOSED, 10, 1);
  EXPECT_EQ(state_.containers.Get(c->containerid())->state(), hdds::CLOSED);
  EXPECT_EQ(ScmCodeOf(scm_.containers.CloseContainer(c->containerid())),
            UNEXPECTED_CONTAINER_STATE);
  EXPECT_EQ(ScmCodeOf(scm_.containers.CloseContainer(999)), FAILED_TO_FIND_CONTAINER);
}

TEST_F(ContainerManagerTest, ReplicaReportsDriveTheLifecycleOnTheLeader) {
  auto c = scm_.containers.AllocateContainer(pipeline_, "om1");
  const int64_t id = c->containerid();
  scm_.ReportReplica(dns_[0], id, REPLICA_OPEN, 100, 2);
  EXPECT_EQ(state_.containers.Get(id)->state(), hdds::OPEN);
  EXPECT_EQ(state_.containers.Get(id)->usedbytes(), 100u);
  EXPECT_EQ(state_.containers.Get(id)->numberofkeys(), 2u);
  // A datanode closed its replica (full): the container is finalized, then quasi-closed.
  scm_.ReportReplica(dns_[1], id, REPLICA_QUASI_CLOSED, 300, 3);
  EXPECT_EQ(state_.containers.Get(id)->state(), hdds::QUASI_CLOSED);
  EXPECT_EQ(state_.containers.Get(id)->usedbytes(), 300u);
  scm_.ReportReplica(dns_[2], id, REPLICA_CLOSED, 300, 3);
  EXPECT_EQ(state_.containers.Get(id)->state(), hdds::CLOSED);
  EXPECT_EQ(scm_.containers.Replicas(id).size(), 3u);
}

TEST_F(ContainerManagerTest, FollowersKeepReplicasButDoNotPropose) {
  auto c = scm_.containers.AllocateContainer(pipeline_, "om1");
  const int64_t id = c->containerid();
  ScmNode follower(&state_, &clock_);
  follower.BecomeFollower(Term(1), "scm1");
  const LogIndex before = state_.log().last_applied().index;
  follower.ReportReplica(dns_[0], id, REPLICA_CLOSED, 100, 1);
  EXPECT_EQ(follower.containers.Replicas(id).size(), 1u);
  EXPECT_EQ(follower.containers.CountWithReportedReplica(), 1u);
  EXPECT_EQ(state_.containers.Get(id)->state(), hdds::OPEN);
  EXPECT_EQ(state_.log().last_applied().index, before);
  EXPECT_TRUE(follower.containers.AllocateContainer(pipeline_, "om1").status().IsNotLeader());
  EXPECT_TRUE(follower.containers.CloseContainer(id).IsNotLeader());
}

TEST_F(ContainerManagerTest, AFullReportReplacesWhatADatanodeHolds) {
  auto a = scm_.containers.AllocateContainer(pipeline_, "om1");
  auto b = scm_.containers.AllocateContainer(pipeline_, "om1");
  ContainerReportsProto full;
  for (int64_t id : {a->containerid(), b->containerid()}) {
    auto* r = full.add_reports();
    r->set_containerid(id);
    r->set_state(REPLICA_OPEN);
  }
  scm_.containers.ProcessContainerReport(dns_[0], full);
  EXPECT_EQ(scm_.containers.Replicas(a->containerid()).size(), 1u);
  EXPECT_EQ(scm_.containers.Replicas(b->containerid()).size(), 1u);
  EXPECT_EQ(scm_.containers.ContainersOn(dns_[0]), 2u);
  full.mutable_reports()->RemoveLast();
  scm_.containers.ProcessContainerReport(dns_[0], full);
  EXPECT_EQ(scm_.containers.Replicas(a->containerid()).size(), 1u);
  EXPECT_TRUE(scm_.containers.Replicas(b->containerid()).empty());
  // An incremental DELETED report removes one.
  scm_.ReportReplica(dns_[0], a->containerid(), REPLICA_DELETED);
  EXPECT_TRUE(scm_.containers.Replicas(a->containerid()).empty());
  EXPECT_EQ(scm_.containers.CountWithReportedReplica(), 0u);
}

}  // namespace
}  // namespace ozone::scm
