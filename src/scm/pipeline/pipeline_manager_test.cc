#include "scm/pipeline/pipeline_manager.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"
#include "scm/metadata/scm_codecs.h"
#include "scm/node/datanode_details.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

using testing::ReplicatedScm;
using testing::ScmNode;

class PipelineManagerTest : public ::testing::Test {
 protected:
  PipelineReportsProto Report(const hdds::Pipeline& p, bool leader = false) {
    PipelineReportsProto r;
    auto* pr = r.add_pipelinereport();
    *pr->mutable_pipelineid() = p.id();
    pr->set_isleader(leader);
    return r;
  }
  std::set<std::string> Members(const hdds::Pipeline& p) {
    std::set<std::string> out;
    for (const auto& m : p.members()) out.insert(DatanodeUuid(m));
    return out;
  }

  testutil::TempDir tmp_;
  ReplicatedScm state_{tmp_.Sub("scm.db")};
  ManualClock clock_;
  ScmNode scm_{&state_, &clock_};
};

TEST_F(PipelineManagerTest, CreatesAnAllocatedPipelineAndAsksItsMembers) {
  auto dns = scm_.RegisterDatanodes(3);
  scm_.BecomeLeader(Term(2));
  auto p = scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::THREE);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->members_size(), 3);
  EXPECT_EQ(Members(*p), std::set<std::string>(dns.begin(), dns.end()));
  EXPECT_EQ(p->creationtimestamp(), static_cast<uint64_t>(clock_.WallMillis()));
  auto stored = state_.pipelines.Get(p->id());
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state(), hdds::PIPELINE_ALLOCATED);
  for (const auto& dn : dns) {
    auto commands = scm_.TakeCommands(dn);
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(commands[0].commandtype(), SCMCommandProto::createPipelineCommand);
    EXPECT_EQ(commands[0].term(), 2);
    EXPECT_EQ(commands[0].createpipelinecommandproto().datanode_size(), 3);
    EXPECT_EQ(PipelineIdToUuid(commands[0].createpipelinecommandproto().pipelineid()),
              PipelineIdToUuid(p->id()));
  }
  EXPECT_TRUE(scm_.pipelines.OpenPipelines(hdds::RATIS, hdds::THREE).empty());
}

TEST_F(PipelineManagerTest, OpensOnceEveryMemberReported) {
  auto dns = scm_.RegisterDatanodes(3);
  auto p = *scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::THREE);
  scm_.pipelines.ProcessPipelineReport(dns[0], Report(p, /*leader=*/true));
  scm_.pipelines.ProcessPipelineReport(dns[1], Report(p));
  EXPECT_EQ(state_.pipelines.Get(p.id())->state(), hdds::PIPELINE_ALLOCATED);
  scm_.pipelines.ProcessPipelineReport(dns[2], Report(p));
  EXPECT_EQ(state_.pipelines.Get(p.id())->state(), hdds::PIPELINE_OPEN);
  auto open = scm_.pipelines.OpenPipelines(hdds::RATIS, hdds::THREE);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].leaderid(), dns[0]);  // the reported Raft leader
  EXPECT_EQ(scm_.pipelines.CountFullyReported(), 1u);
  EXPECT_EQ(scm_.pipelines.CountWithOneReported(), 1u);
  // A member no longer listing it (full reports).
  scm_.pipelines.ProcessPipelineReport(dns[2], PipelineReportsProto());
  EXPECT_EQ(scm_.pipelines.CountFullyReported(), 0u);
  EXPECT_EQ(scm_.pipelines.CountWithOneReported(), 1u);
}

TEST_F(PipelineManagerTest, RespectsTheEngagementLimitAndNeedsHealthyDatanodes) {
  scm_.RegisterDatanodes(2);
  EXPECT_EQ(ScmCodeOf(scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::THREE).status()),
            FAILED_TO_FIND_SUITABLE_NODE);
  scm_.RegisterDatanodes(2, 3);  // 4 datanodes, at most 2 pipelines each: 2 pipelines of 3
  ASSERT_TRUE(scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::THREE).ok());
  ASSERT_TRUE(scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::THREE).ok());
  // 4 x 2 = 8 slots, 6 used: 2 left, not enough for three members.
  EXPECT_EQ(ScmCodeOf(scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::THREE).status()),
            FAILED_TO_FIND_SUITABLE_NODE);
  std::map<std::string, int> engaged;
  for (const auto& p : state_.pipelines.List()) {
    for (const auto& m : p.members()) ++engaged[DatanodeUuid(m)];
  }
  for (const auto& [dn, n] : engaged) EXPECT_LE(n, 2) << dn;
  // Only RATIS.
  EXPECT_EQ(ScmCodeOf(scm_.pipelines.CreatePipeline(hdds::EC, hdds::THREE).status()),
            NOT_SUPPORTED_OPERATION);
  // A stale datanode is not chosen.
  clock_.Advance(std::chrono::minutes(6));
  EXPECT_EQ(ScmCodeOf(scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::ONE).status()),
            FAILED_TO_FIND_SUITABLE_NODE);
}

TEST_F(PipelineManagerTest, FactorOnePipelinesOnePerDatanode) {
  scm_.RegisterDatanodes(2);
  ASSERT_TRUE(scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::ONE).ok());
  ASSERT_TRUE(scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::ONE).ok());
  EXPECT_EQ(ScmCodeOf(scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::ONE).status()),
            FAILED_TO_FIND_SUITABLE_NODE);
}

TEST_F(PipelineManagerTest, CloseClosesItsContainersAndTellsTheMembers) {
  auto dns = scm_.RegisterDatanodes(3);
  auto p = *scm_.OpenPipeline(hdds::THREE);
  for (const auto& dn : dns) scm_.TakeCommands(dn);
  auto c = *scm_.containers.AllocateContainer(p, "om1");
  ASSERT_TRUE(scm_.pipelines.ClosePipeline(p.id()).ok());
  EXPECT_EQ(state_.pipelines.Get(p.id())->state(), hdds::PIPELINE_CLOSED);
  EXPECT_EQ(state_.containers.Get(c.containerid())->state(), hdds::CLOSING);
  for (const auto& dn : dns) {
    std::set<SCMCommandProto::Type> types;
    for (const auto& cmd : scm_.TakeCommands(dn)) types.insert(cmd.commandtype());
    EXPECT_EQ(types, (std::set<SCMCommandProto::Type>{SCMCommandProto::closeContainerCommand,
                                                      SCMCommandProto::closePipelineCommand}));
  }
  EXPECT_TRUE(scm_.pipelines.OpenPipelines(hdds::RATIS, hdds::THREE).empty());
  EXPECT_EQ(ScmCodeOf(scm_.pipelines.ClosePipeline(PipelineIdFromUuid(Uuid(1, 2)))),
            FAILED_TO_FIND_PIPELINE);
}

TEST_F(PipelineManagerTest, AReportedUnknownPipelineIsClosedOnTheDatanode) {
  auto dns = scm_.RegisterDatanodes(1);
  hdds::Pipeline ghost;
  *ghost.mutable_id() = PipelineIdFromUuid(Uuid(7, 7));
  scm_.pipelines.ProcessPipelineReport(dns[0], Report(ghost));
  auto commands = scm_.TakeCommands(dns[0]);
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].commandtype(), SCMCommandProto::closePipelineCommand);
}

TEST_F(PipelineManagerTest, BackgroundCreationClosesPipelinesWithADeadMemberAndRefills) {
  scm_.RegisterDatanodes(3);
  auto p = *scm_.OpenPipeline(hdds::THREE);
  // Two keep heartbeating; the third dies.
  clock_.Advance(std::chrono::minutes(9));
  scm_.nodes.Heartbeat(testing::MakeDatanode(1).uuid(), nullptr, true);
  scm_.nodes.Heartbeat(testing::MakeDatanode(2).uuid(), nullptr, true);
  clock_.Advance(std::chrono::minutes(2));
  scm_.RegisterDatanodes(1, 4);
  scm_.pipelines.CreateAsManyAsPossible();
  EXPECT_EQ(state_.pipelines.Get(p.id())->state(), hdds::PIPELINE_CLOSED);
  auto all = state_.pipelines.List(hdds::RATIS, hdds::THREE, hdds::PIPELINE_ALLOCATED);
  ASSERT_EQ(all.size(), 2u);  // on 1, 2 and 4, twice (the closed one no longer counts)
  for (const auto& q : all) EXPECT_FALSE(Members(q).contains(testing::MakeDatanode(3).uuid()));
}

TEST_F(PipelineManagerTest, TheBackgroundCreatorRunsOnlyOnTheReadyLeader) {
  scm_.RegisterDatanodes(3);
  auto creator =
      MakeBackgroundPipelineCreator(&scm_.pipelines, &scm_.context, std::chrono::hours(1));
  scm_.BecomeFollower(Term(2), "scm2");
  creator->NotifyStatusChanged();
  creator->RunOnce();
  EXPECT_EQ(state_.pipelines.Count(), 0u);
  scm_.BecomeLeader(Term(3));
  scm_.context.SetSafeMode(ha::SafeModeStatus::kPreChecksPassed);  // runs in safe mode too
  creator->NotifyStatusChanged();
  creator->RunOnce();
  EXPECT_EQ(state_.pipelines.Count(), 2u);  // 3 datanodes x 2 engagements / 3 members
}

TEST_F(PipelineManagerTest, FollowersRecordReportsButDoNotOpen) {
  auto dns = scm_.RegisterDatanodes(3);
  auto p = *scm_.pipelines.CreatePipeline(hdds::RATIS, hdds::THREE);
  ScmNode follower(&state_, &clock_);
  follower.BecomeFollower(Term(1), "scm1");
  follower.RegisterDatanodes(3);
  for (const auto& dn : dns) follower.pipelines.ProcessPipelineReport(dn, Report(p));
  EXPECT_EQ(state_.pipelines.Get(p.id())->state(), hdds::PIPELINE_ALLOCATED);
  EXPECT_TRUE(follower.pipelines.CreatePipeline(hdds::RATIS, hdds::THREE).status().IsNotLeader());
  EXPECT_TRUE(follower.pipelines.ClosePipeline(p.id()).IsNotLeader());
}

}  // namespace
}  // namespace ozone::scm
