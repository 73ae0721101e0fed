// OM listeners (ozone.om.listener.nodes.<svc>, reference/ozone-ha.md §3.10) on a ring of real OM
// processes: a listener receives the log but never votes and is never elected, `ozone admin om
// roles` shows it as LISTENER, leadership cannot be transferred to it; it joins by `ozone om
// --bootstrap` as a listener (not promoted later) and leaves by `ozone admin om decommission`.
#include <gtest/gtest.h>

#include "tests/integration/om_cluster.h"

namespace ozone::integration {
namespace {

using namespace std::chrono_literals;

std::string Svc() { return OmCluster::kServiceId; }
constexpr char kListeners[] = "ozone.om.listener.nodes.omservice";

bool HasRow(OmCluster& c, int node, const std::string& cf, const std::string& row) {
  return ScmCluster::WaitUntil(
      [&] {
        Result<std::string> rows = c.Scan(node, cf);
        return rows.ok() && rows->find(row) != std::string::npos;
      },
      30s);
}

TEST(OmListenerTest, AConfiguredListenerReplicatesButNeverVotesNorLeads) {
  OmClusterOptions o;
  o.nodes = 4;
  o.keys[kListeners] = "om4";
  OmCluster c(o);
  ASSERT_TRUE(c.StartScmRing(0).ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok()) << leader.status().ToString();
  EXPECT_NE(*leader, 4);
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol1")).value().status(), om::OK);

  CliResult roles = c.Ozone(1, {"admin", "om", "roles", "-id", Svc()});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(WithRole(roles.out, "LEADER").size(), 1u) << roles.out;
  EXPECT_EQ(WithRole(roles.out, "FOLLOWER").size(), 2u) << roles.out;
  EXPECT_EQ(WithRole(roles.out, "LISTENER"), std::vector<std::string>{"om4"}) << roles.out;

  CliResult transfer = c.Ozone(1, {"admin", "om", "transfer", "-id", Svc(), "-n", "om4"});
  EXPECT_EQ(transfer.code, 255) << transfer.out;
  EXPECT_NE(transfer.err.find("not in Follower role"), std::string::npos) << transfer.err;

  EXPECT_TRUE(HasRow(c, 4, "volumeTable", "vol1")) << "the listener replicates";

  // The leader dies: a voter takes over, never the listener.
  c.KillOm(*leader);
  Result<int> next = c.WaitForLeader();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_NE(*next, 4);
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol2")).value().status(), om::OK);
  EXPECT_TRUE(HasRow(c, 4, "volumeTable", "vol2"));

  // One voter left of three: no majority, and the listener does not step in either.
  c.KillOm(*next);
  std::this_thread::sleep_for(4s);  // several election timeouts (1 s in tests) with no leader
  EXPECT_TRUE(c.LogLines(4, "became the leader").empty());
  OmCall call = c.Call(4, InfoVolumeRequest("vol1"), 5s);
  EXPECT_FALSE(call.rpc_ok && call.response.status() == om::OK) << "a listener serves nothing";
}

TEST(OmListenerTest, AListenerJoinsByBootstrapStaysOneAndLeavesByDecommission) {
  OmClusterOptions o;
  o.nodes = 3;
  o.spare_nodes = 1;
  o.keys[kListeners] = "om4";
  OmCluster c(o);
  ASSERT_TRUE(c.StartScmRing(0).ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol1")).value().status(), om::OK);

  c.Reconfigure(4);  // every OM's file has om4 (and already names it a listener)
  CliResult init = c.Ozone(4, {"om", "--init"});
  ASSERT_EQ(init.code, 0) << init.err;
  ASSERT_TRUE(c.StartOm(4, /*bootstrap=*/true).ok());
  EXPECT_TRUE(HasRow(c, 4, "volumeTable", "vol1"));
  EXPECT_TRUE(ScmCluster::WaitUntil(
      [&] { return !c.LogLines(1, "listener").empty() || !c.LogLines(2, "listener").empty() ||
                   !c.LogLines(3, "listener").empty(); },
      10s));
  // The leader's LearnerPromoter runs every second: it leaves the listener a learner.
  std::this_thread::sleep_for(3s);
  CliResult roles = c.Ozone(1, {"admin", "om", "roles", "-id", Svc()});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(WithRole(roles.out, "LISTENER"), std::vector<std::string>{"om4"}) << roles.out;
  EXPECT_EQ(WithRole(roles.out, "LEADER").size() + WithRole(roles.out, "FOLLOWER").size(), 3u)
      << roles.out;

  // Decommissioned as Ozone's test does it: stopped, listed everywhere, removed.
  ASSERT_TRUE(c.StopOm(4).has_value());
  for (int i = 1; i <= 4; ++i) c.SetNodeKey(i, "ozone.om.decommissioned.nodes.omservice", "om4");
  CliResult decom = c.Ozone(1, {"admin", "om", "decommission", "-id", Svc(), "--nodeid", "om4",
                                "--node-host-address", "127.0.0.1"});
  ASSERT_EQ(decom.code, 0) << decom.out << decom.err;
  roles = c.Ozone(1, {"admin", "om", "roles", "-id", Svc()});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_TRUE(WithRole(roles.out, "LISTENER").empty()) << roles.out;
  EXPECT_EQ(WithRole(roles.out, "LEADER").size() + WithRole(roles.out, "FOLLOWER").size(), 3u)
      << roles.out;
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol2")).value().status(), om::OK);
}

}  // namespace
}  // namespace ozone::integration
