#include "scm/node/node_manager.h"

#include <gtest/gtest.h>

#include "scm/ha/testing/scm_test_env.h"

namespace ozone::scm {
namespace {

using testing::MakeDatanode;

SCMCommandProto Command(int64_t term) {
  SCMCommandProto c;
  c.set_commandtype(SCMCommandProto::closeContainerCommand);
  c.set_cmdid(1);
  c.set_term(term);
  return c;
}

TEST(NodeManagerTest, RegistersAndUpdatesDatanodes) {
  ManualClock clock;
  NodeManager nodes({}, &clock);
  std::vector<std::string> added;
  nodes.OnNewNode([&](const std::string& uuid) {
    added.push_back(uuid);
    EXPECT_TRUE(nodes.IsRegistered(uuid));  // no lock held while calling back
  });
  std::string uuid = nodes.Register(MakeDatanode(1), {});
  EXPECT_EQ(uuid, MakeDatanode(1).uuid());
  EXPECT_TRUE(nodes.IsRegistered(uuid));
  hdds::DatanodeDetailsProto moved = MakeDatanode(1);
  moved.set_ipaddress("10.9.9.9");
  nodes.Register(moved, {});
  EXPECT_EQ(nodes.Get(uuid)->details.ipaddress(), "10.9.9.9");
  EXPECT_EQ(added, std::vector<std::string>{uuid});  // called once, on the first registration
  EXPECT_EQ(nodes.CountRegistered(), 1u);

  hdds::DatanodeDetailsProto anonymous = MakeDatanode(2);
  anonymous.clear_uuid();
  EXPECT_EQ(nodes.Register(anonymous, {}), "");
  EXPECT_EQ(nodes.CountRegistered(), 1u);
}

TEST(NodeManagerTest, HealthFollowsHeartbeats) {
  ManualClock clock;
  NodeManager nodes(
      {.stale_interval = std::chrono::seconds(90), .dead_interval = std::chrono::seconds(300)},
      &clock);
  std::string a = nodes.Register(MakeDatanode(1), {});
  std::string b = nodes.Register(MakeDatanode(2), {});
  EXPECT_EQ(nodes.CountHealthy(), 2u);
  clock.Advance(std::chrono::seconds(60));
  nodes.Heartbeat(a, nullptr, true);
  clock.Advance(std::chrono::seconds(30));  // b: 90 s, a: 30 s
  EXPECT_EQ(nodes.Get(a)->health, NodeHealth::kHealthy);
  EXPECT_EQ(nodes.Get(b)->health, NodeHealth::kStale);
  EXPECT_EQ(nodes.CountHealthy(), 1u);
  ASSERT_EQ(nodes.Healthy().size(), 1u);
  EXPECT_EQ(nodes.Healthy()[0].uuid(), a);
  clock.Advance(std::chrono::seconds(210));  // b: 300 s
  EXPECT_EQ(nodes.Get(b)->health, NodeHealth::kDead);
  EXPECT_EQ(NodeHealthName(nodes.Get(b)->health), "DEAD");
  NodeReportProto report;
  report.add_storagereport()->set_capacity(1000);
  report.mutable_storagereport(0)->set_storageuuid("s");
  report.mutable_storagereport(0)->set_storagelocation("/d");
  nodes.Heartbeat(b, &report, false);
  EXPECT_EQ(nodes.Get(b)->health, NodeHealth::kHealthy);
  EXPECT_EQ(nodes.Get(b)->node_report.storagereport(0).capacity(), 1000u);
  EXPECT_EQ(nodes.Get(b)->last_heartbeat_wall_millis, clock.WallMillis());
}

TEST(NodeManagerTest, CommandsGoOutOnlyFromTheLeader) {
  ManualClock clock;
  NodeManager nodes({}, &clock);
  std::string a = nodes.Register(MakeDatanode(1), {});
  nodes.AddCommand(a, Command(3));
  nodes.AddCommand(a, Command(3));
  EXPECT_EQ(nodes.QueuedCommands(a), 2u);
  EXPECT_TRUE(nodes.Heartbeat(a, nullptr, /*leader=*/false).empty());
  EXPECT_EQ(nodes.QueuedCommands(a), 2u);
  auto commands = nodes.Heartbeat(a, nullptr, /*leader=*/true);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].term(), 3);
  EXPECT_EQ(nodes.QueuedCommands(a), 0u);
  EXPECT_TRUE(nodes.Heartbeat(a, nullptr, true).empty());

  nodes.AddCommand(a, Command(3));
  nodes.ClearCommands();  // leadership lost
  EXPECT_TRUE(nodes.Heartbeat(a, nullptr, true).empty());
}

TEST(NodeManagerTest, AnUnknownDatanodeIsAskedToRegister) {
  ManualClock clock;
  NodeManager nodes({}, &clock);
  for (bool leader : {true, false}) {
    auto commands = nodes.Heartbeat(MakeDatanode(5).uuid(), nullptr, leader);
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(commands[0].commandtype(), SCMCommandProto::reregisterCommand);
  }
  EXPECT_FALSE(nodes.IsRegistered(MakeDatanode(5).uuid()));
}

TEST(NodeManagerTest, CommandIdsAreFreshAndStartFromTheWallTime) {
  ManualClock clock(1'700'000'000'000);
  NodeManager nodes({}, &clock);
  int64_t first = nodes.NextCommandId();
  EXPECT_EQ(first, 1'700'000'000'000);
  EXPECT_EQ(nodes.NextCommandId(), first + 1);
}

}  // namespace
}  // namespace ozone::scm
