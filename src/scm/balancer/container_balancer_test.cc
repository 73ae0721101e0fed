#include "scm/balancer/container_balancer.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

using testing::ReplicatedScm;
using testing::ScmNode;

constexpr auto kWait = std::chrono::seconds(30);

ContainerBalancerConfigurationProto Config(int iterations, int64_t interval_ms) {
  ContainerBalancerConfigurationProto c;
  c.set_iterations(iterations);
  c.set_balancingiterationinterval(interval_ms);
  c.set_shouldrun(false);  // set by StartBalancer
  return c;
}

class ContainerBalancerTest : public ::testing::Test {
 protected:
  void SetUp() override { follower_.BecomeFollower(Term(1), "scm1[host1:9894]"); }

  ContainerBalancerConfigurationProto Persisted(ScmNode& scm) {
    auto config = scm.balancer->ReadConfiguration();
    EXPECT_TRUE(config.ok()) << config.status();
    EXPECT_TRUE(config.ok() && config->has_value());
    return config.ok() && config->has_value() ? **config : ContainerBalancerConfigurationProto();
  }

  testutil::TempDir tmp_;
  ReplicatedScm state_{tmp_.Sub("scm.db")};
  ManualClock clock_;
  ScmNode leader_{&state_, &clock_};
  ScmNode follower_{&state_, &clock_};
};

TEST_F(ContainerBalancerTest, StartAndStopPersistShouldRunForEverySCM) {
  ASSERT_TRUE(leader_.balancer->StartBalancer(Config(-1, 3'600'000)).ok());
  EXPECT_TRUE(leader_.balancer->IsRunning());
  EXPECT_TRUE(Persisted(leader_).shouldrun());
  EXPECT_TRUE(Persisted(follower_).shouldrun());
  EXPECT_EQ(Persisted(follower_).utilizationthreshold(), "10");  // defaults filled in
  EXPECT_FALSE(follower_.balancer->IsRunning());
  EXPECT_TRUE(leader_.balancer->ShouldRun());
  EXPECT_FALSE(follower_.balancer->ShouldRun());

  ASSERT_TRUE(leader_.balancer->StopBalancer().ok());
  EXPECT_TRUE(leader_.balancer->WaitUntilStopped(kWait));
  EXPECT_FALSE(Persisted(leader_).shouldrun());
  EXPECT_FALSE(Persisted(follower_).shouldrun());
}

TEST_F(ContainerBalancerTest, ANewLeaderResumesItAndAFollowerNeverRunsIt) {
  ASSERT_TRUE(leader_.balancer->StartBalancer(Config(-1, 3'600'000)).ok());
  follower_.services.NotifyStatusChanged();
  EXPECT_FALSE(follower_.balancer->IsRunning());

  // Failover: the old leader stops its task, the persisted state says it should run.
  leader_.BecomeFollower(Term(2), "scm2[host2:9894]");
  EXPECT_TRUE(leader_.balancer->WaitUntilStopped(kWait));
  EXPECT_TRUE(Persisted(leader_).shouldrun());
  follower_.BecomeLeader(Term(2));
  EXPECT_TRUE(follower_.balancer->IsRunning());
  EXPECT_FALSE(leader_.balancer->IsRunning());

  // Not in safe mode.
  follower_.context.SetSafeMode(ha::SafeModeStatus::kPreChecksPassed);
  follower_.services.NotifyStatusChanged();
  EXPECT_TRUE(follower_.balancer->WaitUntilStopped(kWait));
  follower_.context.SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
  follower_.services.NotifyStatusChanged();
  EXPECT_TRUE(follower_.balancer->IsRunning());

  ASSERT_TRUE(follower_.balancer->StopBalancer().ok());
  EXPECT_TRUE(follower_.balancer->WaitUntilStopped(kWait));
  // A later leader does not start it.
  follower_.BecomeFollower(Term(3), "scm1");
  leader_.BecomeLeader(Term(3));
  EXPECT_FALSE(leader_.balancer->IsRunning());
}

TEST_F(ContainerBalancerTest, StartIsRefusedWhereItCannotRun) {
  Status s = follower_.balancer->StartBalancer(Config(1, 0));
  EXPECT_TRUE(s.IsNotLeader()) << s;
  leader_.context.SetSafeMode(ha::SafeModeStatus::kPreChecksPassed);
  EXPECT_EQ(ScmCodeOf(leader_.balancer->StartBalancer(Config(1, 0))), SAFE_MODE_EXCEPTION);
  leader_.context.SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
  ContainerBalancerConfigurationProto bad = Config(1, 0);
  bad.set_utilizationthreshold("100");
  EXPECT_TRUE(leader_.balancer->StartBalancer(bad).IsInvalidArgument());
  EXPECT_TRUE(leader_.balancer->StartBalancer(Config(0, 0)).IsInvalidArgument());
  EXPECT_EQ(*leader_.balancer->ReadConfiguration(), std::nullopt);  // nothing persisted

  ASSERT_TRUE(leader_.balancer->StartBalancer(Config(-1, 3'600'000)).ok());
  EXPECT_EQ(leader_.balancer->StartBalancer(Config(-1, 0)).code(),
            Status::Code::kFailedPrecondition);
  ASSERT_TRUE(leader_.balancer->StopBalancer().ok());
}

TEST_F(ContainerBalancerTest, AfterItsLastIterationItPersistsShouldRunFalse) {
  ASSERT_TRUE(leader_.balancer->StartBalancer(Config(3, 0)).ok());
  ASSERT_TRUE(leader_.balancer->WaitUntilStopped(kWait));
  EXPECT_EQ(leader_.balancer->iterations_completed(), 3);
  auto persisted = Persisted(follower_);
  EXPECT_FALSE(persisted.shouldrun());
  EXPECT_EQ(persisted.nextiterationindex(), 3);
  // Nothing to resume.
  leader_.BecomeFollower(Term(2), "scm2");
  follower_.BecomeLeader(Term(2));
  EXPECT_FALSE(follower_.balancer->IsRunning());
}

TEST_F(ContainerBalancerTest, MovesAReplicaFromAFullDatanodeToAnEmptyOne) {
  auto dns = leader_.RegisterDatanodes(4);
  auto p = leader_.OpenPipeline(hdds::THREE);  // on datanodes 1, 2, 3
  ASSERT_TRUE(p.ok()) << p.status();
  const int64_t id = leader_.containers.AllocateContainer(*p, "om1")->containerid();
  ASSERT_TRUE(leader_.containers.CloseContainer(id).ok());
  for (int i = 0; i < 3; ++i) leader_.ReportReplica(dns[i], id, REPLICA_CLOSED, 1 << 30, 10);
  ASSERT_EQ(state_.containers.Get(id)->state(), hdds::CLOSED);
  const uint64_t gb = uint64_t{1} << 30;
  const std::vector<uint64_t> used = {90 * gb, 50 * gb, 50 * gb, 10 * gb};
  for (int i = 0; i < 4; ++i) {
    NodeReportProto report;
    auto* s = report.add_storagereport();
    s->set_storageuuid("disk");
    s->set_storagelocation("/data");
    s->set_capacity(100 * gb);
    s->set_scmused(used[static_cast<size_t>(i)]);
    s->set_remaining(100 * gb - used[static_cast<size_t>(i)]);
    leader_.nodes.Heartbeat(dns[static_cast<size_t>(i)], &report, true);
  }
  for (const auto& dn : dns) leader_.TakeCommands(dn);

  ASSERT_TRUE(leader_.balancer->StartBalancer(Config(1, 0)).ok());
  ASSERT_TRUE(leader_.balancer->WaitUntilStopped(kWait));
  auto to_target = leader_.TakeCommands(dns[3]);
  ASSERT_EQ(to_target.size(), 1u);
  EXPECT_EQ(to_target[0].commandtype(), SCMCommandProto::replicateContainerCommand);
  EXPECT_EQ(to_target[0].replicatecontainercommandproto().sources(0).uuid(), dns[0]);
  EXPECT_EQ(to_target[0].replicatecontainercommandproto().target().uuid(), dns[3]);
  EXPECT_TRUE(leader_.TakeCommands(dns[0]).empty());

  // The copy is there: the next iteration removes the source's replica.
  leader_.ReportReplica(dns[3], id, REPLICA_CLOSED, 1 << 30, 10);
  ASSERT_TRUE(leader_.balancer->StartBalancer(Config(1, 0)).ok());
  ASSERT_TRUE(leader_.balancer->WaitUntilStopped(kWait));
  auto to_source = leader_.TakeCommands(dns[0]);
  ASSERT_EQ(to_source.size(), 1u);
  EXPECT_EQ(to_source[0].commandtype(), SCMCommandProto::deleteContainerCommand);
  EXPECT_EQ(to_source[0].deletecontainercommandproto().containerid(), id);
}

}  // namespace
}  // namespace ozone::scm
