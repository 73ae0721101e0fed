#include "scm/safemode/safe_mode_manager.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

using testing::ReplicatedScm;
using testing::ScmNode;
using testing::ScmNodeOptions;

// Counts status notifications.
class CountingService : public ha::HaService {
 public:
  std::string Name() const override { return "counting"; }
  void NotifyStatusChanged() override { ++notified; }
  bool ShouldRun() const override { return false; }
  void Start() override {}
  void Stop() override {}
  int notified = 0;
};

std::map<std::string, bool> Validated(const SafeModeManager& m) {
  std::map<std::string, bool> out;
  for (const auto& r : m.RuleStatuses()) out[r.rulename()] = r.validated();
  return out;
}

class SafeModeManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // An SCM restarting with one closed container and one open pipeline in its database.
    ScmNode before(&state_, &clock_);
    auto dns = before.RegisterDatanodes(3);
    auto p = before.OpenPipeline(hdds::THREE);
    ASSERT_TRUE(p.ok());
    pipeline_ = *p;
    container_ = before.containers.AllocateContainer(*p, "om1")->containerid();
    ASSERT_TRUE(before.containers.CloseContainer(container_).ok());
    before.ReportReplica(dns[0], container_, REPLICA_CLOSED, 10, 5);
    ASSERT_EQ(state_.containers.Get(container_)->state(), hdds::CLOSED);

    ScmNodeOptions o;
    o.safe_mode.min_datanodes = 3;
    scm_ = std::make_unique<ScmNode>(&state_, &clock_, o);
    scm_->context.SetSafeMode(ha::SafeModeStatus::kInitial);
    scm_->services.Register(counting_);
  }

  void Register(int i) {
    scm_->RegisterDatanodes(1, i);
    scm_->safe_mode.Refresh();
  }

  testutil::TempDir tmp_;
  ReplicatedScm state_{tmp_.Sub("scm.db")};
  ManualClock clock_;
  std::unique_ptr<ScmNode> scm_;
  std::shared_ptr<CountingService> counting_ = std::make_shared<CountingService>();
  hdds::Pipeline pipeline_;
  int64_t container_ = 0;
};

TEST_F(SafeModeManagerTest, LeavesSafeModeWhenEveryRuleIsValidated) {
  SafeModeManager& m = scm_->safe_mode;
  m.Refresh();
  EXPECT_TRUE(m.InSafeMode());
  EXPECT_FALSE(m.PreCheckComplete());
  auto rules = Validated(m);
  EXPECT_FALSE(rules["DataNodeSafeModeRule"]);
  EXPECT_FALSE(rules["ContainerSafeModeRule"]);
  EXPECT_FALSE(rules["HealthyPipelineSafeModeRule"]);
  EXPECT_FALSE(rules["OneReplicaPipelineSafeModeRule"]);
  EXPECT_TRUE(rules["StateMachineReadyRule"]);

  Register(1);
  Register(2);
  EXPECT_FALSE(m.PreCheckComplete());
  Register(3);
  EXPECT_TRUE(m.PreCheckComplete());  // the datanode rule is the pre-check
  EXPECT_TRUE(m.InSafeMode());
  EXPECT_EQ(counting_->notified, 1);

  // One member reports the pipeline: the one-replica rule passes, not the healthy one.
  PipelineReportsProto report;
  *report.add_pipelinereport()->mutable_pipelineid() = pipeline_.id();
  report.mutable_pipelinereport(0)->set_isleader(true);
  scm_->pipelines.ProcessPipelineReport(pipeline_.members(0).uuid(), report);
  m.Refresh();
  rules = Validated(m);
  EXPECT_TRUE(rules["OneReplicaPipelineSafeModeRule"]);
  EXPECT_FALSE(rules["HealthyPipelineSafeModeRule"]);
  for (int i = 1; i < 3; ++i) {
    report.mutable_pipelinereport(0)->set_isleader(false);
    scm_->pipelines.ProcessPipelineReport(pipeline_.members(i).uuid(), report);
  }
  m.Refresh();
  EXPECT_TRUE(Validated(m)["HealthyPipelineSafeModeRule"]);
  EXPECT_TRUE(m.InSafeMode());  // the container has no replica reported yet

  scm_->ReportReplica(pipeline_.members(1).uuid(), container_, REPLICA_CLOSED, 10, 5);
  m.Refresh();
  EXPECT_FALSE(m.InSafeMode());
  EXPECT_EQ(scm_->context.safe_mode(), ha::SafeModeStatus::kOutOfSafeMode);
  EXPECT_EQ(counting_->notified, 2);
  // Once out, it stays out.
  clock_.Advance(std::chrono::hours(1));
  m.Refresh();
  EXPECT_FALSE(m.InSafeMode());
  EXPECT_EQ(counting_->notified, 2);
}

TEST_F(SafeModeManagerTest, AFollowerWaitsUntilItsStateMachineCaughtUp) {
  ScmNodeOptions o;
  o.safe_mode.min_datanodes = 0;
  o.safe_mode.container_threshold = 0;
  o.safe_mode.healthy_pipeline_pct = 0;
  o.safe_mode.one_replica_pipeline_pct = 0;
  ScmNode follower(&state_, &clock_, o);
  follower.context.SetSafeMode(ha::SafeModeStatus::kInitial);
  follower.state_machine_ready = false;
  follower.safe_mode.Refresh();
  EXPECT_TRUE(follower.safe_mode.InSafeMode());
  EXPECT_FALSE(Validated(follower.safe_mode)["StateMachineReadyRule"]);
  follower.state_machine_ready = true;
  follower.safe_mode.Refresh();
  EXPECT_FALSE(follower.safe_mode.InSafeMode());
}

TEST_F(SafeModeManagerTest, ForceExitLeavesAtOnce) {
  scm_->safe_mode.Refresh();
  EXPECT_TRUE(scm_->safe_mode.InSafeMode());
  scm_->safe_mode.ForceExit();
  EXPECT_FALSE(scm_->safe_mode.InSafeMode());
  EXPECT_EQ(counting_->notified, 1);
  scm_->safe_mode.ForceExit();
  EXPECT_EQ(counting_->notified, 1);
}

TEST_F(SafeModeManagerTest, DisabledStartsOutOfSafeMode) {
  ScmNodeOptions o;
  o.safe_mode.enabled = false;
  ScmNode scm(&state_, &clock_, o);
  auto counting = std::make_shared<CountingService>();
  scm.services.Register(counting);
  EXPECT_FALSE(scm.safe_mode.InSafeMode());
  scm.safe_mode.Refresh();
  EXPECT_EQ(counting->notified, 1);
  scm.safe_mode.Refresh();
  EXPECT_EQ(counting->notified, 1);
}

}  // namespace
}  // namespace ozone::scm
