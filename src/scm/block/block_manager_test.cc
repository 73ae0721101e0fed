#include "scm/block/block_manager.h"

#include <gtest/gtest.h>

#include <thread>

#include "scm/ha/testing/scm_test_env.h"
#include "scm/metadata/scm_codecs.h"
#include "scm/node/datanode_details.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

using testing::ReplicatedScm;
using testing::ScmNode;
using testing::ScmNodeOptions;

ScmNodeOptions SmallContainers(uint64_t sequence_batch = 1000) {
  ScmNodeOptions o;
  o.sequence_id_batch = sequence_batch;
  o.blocks.block_size = 100;
  o.blocks.container_size = 1000;
  o.blocks.containers_per_pipeline = 2;
  return o;
}

std::pair<int64_t, int64_t> Id(const AllocatedBlock& b) {
  return {b.containerblockid().containerid(), b.containerblockid().localid()};
}

class BlockManagerTest : public ::testing::Test {
 protected:
  void Start(ScmNodeOptions options, int datanodes, int pipelines) {
    scm_ = std::make_unique<ScmNode>(&state_, &clock_, options);
    dns_ = scm_->RegisterDatanodes(datanodes);
    for (int i = 0; i < pipelines; ++i) {
      auto p = scm_->OpenPipeline(hdds::THREE);
      ASSERT_TRUE(p.ok()) << p.status();
      pipelines_.push_back(*p);
    }
  }
  Result<std::vector<AllocatedBlock>> Allocate(ScmNode& scm, uint32_t n, uint64_t size = 100,
                                               const ExcludeList& exclude = {},
                                               const std::string& owner = "om1") {
    return scm.blocks.AllocateBlocks(size, n, hdds::RATIS, hdds::THREE, owner, exclude);
  }

  testutil::TempDir tmp_;
  ReplicatedScm state_{tmp_.Sub("scm.db")};
  ManualClock clock_;
  std::unique_ptr<ScmNode> scm_;
  std::vector<std::string> dns_;
  std::vector<hdds::Pipeline> pipelines_;
};

TEST_F(BlockManagerTest, AllocatesInOpenContainersOfAnOpenPipeline) {
  Start(SmallContainers(), 3, 1);
  auto blocks = Allocate(*scm_, 4);
  ASSERT_TRUE(blocks.ok()) << blocks.status();
  ASSERT_EQ(blocks->size(), 4u);
  std::set<int64_t> containers;
  int64_t last_local = 0;
  for (const auto& b : *blocks) {
    containers.insert(b.containerblockid().containerid());
    EXPECT_GT(b.containerblockid().localid(), last_local);
    last_local = b.containerblockid().localid();
    EXPECT_EQ(PipelineIdToUuid(b.pipeline().id()), PipelineIdToUuid(pipelines_[0].id()));
    EXPECT_EQ(b.pipeline().members_size(), 3);
  }
  // The pipeline got its two containers, used round-robin.
  EXPECT_EQ(containers.size(), 2u);
  for (int64_t id : containers) {
    auto c = state_.containers.Get(id);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->state(), hdds::OPEN);
    EXPECT_EQ(c->owner(), "om1");
  }
}

TEST_F(BlockManagerTest, HandingOutBlocksReservesNoSpace) {
  // Ozone's rule: room is what the datanodes report, not what was handed out; many more blocks
  // than a container could hold at full size go to the same two containers, nothing replicated.
  Start(SmallContainers(), 3, 1);
  ASSERT_TRUE(Allocate(*scm_, 2).ok());  // the pipeline gets its two containers
  const uint64_t entries = state_.log().submitted();
  std::set<int64_t> containers;
  for (int i = 0; i < 50; ++i) {
    auto blocks = Allocate(*scm_, 3);
    ASSERT_TRUE(blocks.ok()) << blocks.status();
    for (const auto& b : *blocks) containers.insert(b.containerblockid().containerid());
  }
  EXPECT_EQ(containers.size(), 2u);
  EXPECT_EQ(state_.log().submitted(), entries);  // leader-local: no entry per block
  for (int64_t id : containers) EXPECT_EQ(state_.containers.Get(id)->state(), hdds::OPEN);
}

TEST_F(BlockManagerTest, ContainersReportedFullAreClosedAndReplaced) {
  Start(SmallContainers(), 3, 1);
  auto first = Allocate(*scm_, 2);
  ASSERT_TRUE(first.ok()) << first.status();
  std::set<int64_t> before;
  for (const auto& b : *first) before.insert(b.containerblockid().containerid());
  ASSERT_EQ(before.size(), 2u);
  const int64_t full = *before.begin();
  const int64_t roomy = *before.rbegin();
  // The datanodes report `full` unable to take one more block (950 + 100 > 1000), `roomy` with
  // room left.
  for (const auto& dn : dns_) {
    scm_->ReportReplica(dn, full, REPLICA_OPEN, 950, 9);
    scm_->ReportReplica(dn, roomy, REPLICA_OPEN, 500, 5);
  }
  ASSERT_EQ(state_.containers.Get(full)->usedbytes(), 950u);
  std::map<int64_t, int> used;
  for (int i = 0; i < 6; ++i) {
    auto blocks = Allocate(*scm_, 1);
    ASSERT_TRUE(blocks.ok()) << blocks.status();
    ++used[(*blocks)[0].containerblockid().containerid()];
  }
  EXPECT_FALSE(used.contains(full));
  EXPECT_TRUE(used.contains(roomy));
  EXPECT_EQ(used.size(), 2u);  // roomy and the one that replaced `full`
  EXPECT_EQ(state_.containers.Get(full)->state(), hdds::CLOSING);
  EXPECT_EQ(state_.containers.Get(roomy)->state(), hdds::OPEN);
  // The datanodes were asked to close the full one, once.
  int closes = 0;
  for (const auto& cmd : scm_->TakeCommands(dns_[0])) {
    if (cmd.commandtype() == SCMCommandProto::closeContainerCommand) {
      ++closes;
      EXPECT_EQ(cmd.closecontainercommandproto().containerid(), full);
    }
  }
  EXPECT_EQ(closes, 1);
  // A block larger than the room the reports leave goes to a new container.
  auto big = Allocate(*scm_, 1, 600);
  ASSERT_TRUE(big.ok()) << big.status();
  const int64_t big_id = (*big)[0].containerblockid().containerid();
  EXPECT_NE(big_id, roomy);
  EXPECT_NE(big_id, full);
}

TEST_F(BlockManagerTest, HonoursTheExcludeList) {
  Start(SmallContainers(), 6, 2);
  ExcludeList exclude;
  *exclude.add_pipelineids() = pipelines_[0].id();
  auto blocks = Allocate(*scm_, 5, 100, exclude);
  ASSERT_TRUE(blocks.ok()) << blocks.status();
  for (const auto& b : *blocks) {
    EXPECT_EQ(PipelineIdToUuid(b.pipeline().id()), PipelineIdToUuid(pipelines_[1].id()));
  }
  ExcludeList by_datanode;
  by_datanode.add_datanodes(DatanodeUuid(pipelines_[1].members(2)));
  blocks = Allocate(*scm_, 5, 100, by_datanode);
  ASSERT_TRUE(blocks.ok()) << blocks.status();
  std::set<int64_t> used;
  for (const auto& b : *blocks) {
    EXPECT_EQ(PipelineIdToUuid(b.pipeline().id()), PipelineIdToUuid(pipelines_[0].id()));
    used.insert(b.containerblockid().containerid());
  }
  ExcludeList by_container;
  for (int64_t id : used) by_container.add_containerids(id);
  *by_container.add_pipelineids() = pipelines_[1].id();
  blocks = Allocate(*scm_, 3, 100, by_container);
  ASSERT_TRUE(blocks.ok()) << blocks.status();
  for (const auto& b : *blocks) EXPECT_FALSE(used.contains(b.containerblockid().containerid()));
  // Everything excluded.
  ExcludeList all;
  *all.add_pipelineids() = pipelines_[0].id();
  *all.add_pipelineids() = pipelines_[1].id();
  EXPECT_EQ(ScmCodeOf(Allocate(*scm_, 1, 100, all).status()), FAILED_TO_ALLOCATE_CONTAINER);
}

TEST_F(BlockManagerTest, OwnersGetTheirOwnContainers) {
  Start(SmallContainers(), 3, 1);
  auto a = Allocate(*scm_, 2, 100, {}, "om-a");
  auto b = Allocate(*scm_, 2, 100, {}, "om-b");
  ASSERT_TRUE(a.ok() && b.ok());
  for (const auto& blk : *a) {
    EXPECT_EQ(state_.containers.Get(blk.containerblockid().containerid())->owner(), "om-a");
  }
  for (const auto& blk : *b) {
    EXPECT_EQ(state_.containers.Get(blk.containerblockid().containerid())->owner(), "om-b");
  }
}

TEST_F(BlockManagerTest, RefusedInSafeModeOnFollowersAndForBadSizes) {
  Start(SmallContainers(), 3, 1);
  scm_->context.SetSafeMode(ha::SafeModeStatus::kPreChecksPassed);
  EXPECT_EQ(ScmCodeOf(Allocate(*scm_, 1).status()), SAFE_MODE_EXCEPTION);
  scm_->context.SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);

  EXPECT_EQ(ScmCodeOf(Allocate(*scm_, 1, 0).status()), INVALID_BLOCK_SIZE);
  EXPECT_EQ(ScmCodeOf(Allocate(*scm_, 1, 1001).status()), INVALID_BLOCK_SIZE);
  EXPECT_EQ(
      ScmCodeOf(scm_->blocks.AllocateBlocks(100, 1, hdds::RATIS, hdds::ONE, "om1", {}).status()),
      FAILED_TO_ALLOCATE_CONTAINER);  // no RATIS/ONE pipeline

  scm_->context.SetLeader(true, Term(5));  // leader, not ready yet
  Status not_ready = Allocate(*scm_, 1).status();
  EXPECT_TRUE(not_ready.IsNotLeader()) << not_ready;
  EXPECT_EQ(ScmCodeOf(not_ready), SCM_NOT_LEADER);

  scm_->BecomeFollower(Term(5), "scm2[host2:9894]");
  Status follower = Allocate(*scm_, 1).status();
  EXPECT_TRUE(follower.IsNotLeader()) << follower;
  EXPECT_NE(follower.message().find("scm2[host2:9894]"), std::string::npos);
}

TEST_F(BlockManagerTest, IdsStayUniqueAcrossFailovers) {
  Start(SmallContainers(), 3, 1);
  ScmNode other(&state_, &clock_, SmallContainers());
  other.BecomeFollower(Term(1), "scm1");
  other.RegisterDatanodes(3);

  std::set<std::pair<int64_t, int64_t>> ids;
  std::set<int64_t> local_ids;
  auto take = [&](ScmNode& scm, int n) {
    auto blocks = Allocate(scm, static_cast<uint32_t>(n));
    ASSERT_TRUE(blocks.ok()) << blocks.status();
    for (const auto& b : *blocks) {
      EXPECT_TRUE(ids.insert(Id(b)).second);
      EXPECT_TRUE(local_ids.insert(b.containerblockid().localid()).second);
    }
  };
  take(*scm_, 7);
  // Failover to the other SCM: it reserves a fresh batch, after the first leader's.
  scm_->BecomeFollower(Term(2), "scm2");
  other.BecomeLeader(Term(2));
  EXPECT_TRUE(Allocate(*scm_, 1).status().IsNotLeader());
  take(other, 7);
  // And back: the first leader's old batch is abandoned, never reused.
  other.BecomeFollower(Term(3), "scm1");
  scm_->BecomeLeader(Term(3));
  take(*scm_, 7);
  EXPECT_EQ(local_ids.size(), 21u);
  EXPECT_EQ(*local_ids.begin(), 1);
  EXPECT_GT(*local_ids.rbegin(), 2000);  // three batches of 1000 reserved
  EXPECT_EQ(state_.sequence_ids.LastId(ha::kLocalId), 3000u);
}

TEST_F(BlockManagerTest, ConcurrentAllocationsNeverShareAnId) {
  ScmNodeOptions o = SmallContainers(/*sequence_batch=*/64);
  Start(o, 6, 2);
  constexpr int kThreads = 16;
  constexpr int kCalls = 150;
  std::vector<std::vector<AllocatedBlock>> out(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::atomic<int> done{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        auto blocks = Allocate(*scm_, 2);
        if (!blocks.ok()) {
          ++failures;
          continue;
        }
        for (auto& b : *blocks) out[t].push_back(std::move(b));
      }
      ++done;
    });
  }
  // Meanwhile the datanodes keep reporting the open containers full: they are closed and
  // replaced under the allocations.
  std::set<int64_t> reported_full;
  while (done.load() < kThreads) {
    for (const auto& c : state_.containers.List(0, 1000, hdds::OPEN)) {
      if (!reported_full.insert(c.containerid()).second) continue;
      for (const auto& p : pipelines_) {
        if (PipelineIdToUuid(p.id()) != PipelineIdToUuid(c.pipelineid())) continue;
        for (const auto& m : p.members()) {
          scm_->ReportReplica(DatanodeUuid(m), c.containerid(), REPLICA_OPEN,
                              o.blocks.container_size, 1);
        }
      }
      break;
    }
    std::this_thread::yield();
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::pair<int64_t, int64_t>> ids;
  std::set<int64_t> local_ids;
  for (const auto& blocks : out) {
    for (const auto& b : blocks) {
      EXPECT_TRUE(ids.insert(Id(b)).second);
      EXPECT_TRUE(local_ids.insert(b.containerblockid().localid()).second);
    }
  }
  EXPECT_EQ(local_ids.size(), static_cast<size_t>(kThreads * kCalls * 2));
}

}  // namespace
}  // namespace ozone::scm
