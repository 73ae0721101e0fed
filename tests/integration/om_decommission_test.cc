// `ozone admin om decommission` on a ring of real OM processes (tests/integration/om_cluster.h),
// the way Ozone's DecommissionOMSubcommand works (reference/ozone-ha.md §3.10): the operator stops
// the OM, adds it to ozone.om.decommissioned.nodes.<svc> in every ozone-site.xml (the running OMs
// are not restarted: they re-read the file when asked), then runs the command; the leader removes
// the node from the ring. Until every file says so the command names the OMs to fix and changes
// nothing, unless --force; the leader itself is never removed.
#include <gtest/gtest.h>

#include "tests/integration/om_cluster.h"

namespace ozone::integration {
namespace {

using namespace std::chrono_literals;

std::string Svc() { return OmCluster::kServiceId; }
constexpr char kDecommissioned[] = "ozone.om.decommissioned.nodes.omservice";

size_t Members(const std::string& roles) {
  return WithRole(roles, "LEADER").size() + WithRole(roles, "FOLLOWER").size();
}

TEST(OmDecommissionTest, AStoppedOmLeavesTheRingOnceEveryOmsFileSaysSo) {
  OmCluster c;
  ASSERT_TRUE(c.StartScmRing(0).ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok()) << leader.status().ToString();
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol1")).value().status(), om::OK);
  const int l = *leader;
  const int victim = l == 3 ? 2 : 3;
  const int other = 6 - l - victim;  // the follower that stays
  const std::string id = c.NodeId(victim);
  auto decommission = [&](int conf_of, const std::string& node, const std::string& host,
                          bool force) {
    std::vector<std::string> args = {"admin", "om", "decommission", "-id", Svc(), "--nodeid",
                                     node, "--node-host-address", host};
    if (force) args.push_back("--force");
    return c.Ozone(conf_of, args);
  };

  // The leader is never removed, even with --force.
  CliResult self = decommission(other, c.NodeId(l), "127.0.0.1", /*force=*/true);
  EXPECT_EQ(self.code, 255) << self.out << self.err;
  EXPECT_NE(self.out.find("Failed to decommission OM " + c.NodeId(l)), std::string::npos)
      << self.out;
  EXPECT_NE(self.err.find("Cannot remove current leader"), std::string::npos) << self.err;

  // As Ozone advises, the OM is stopped first. The operator works from its configuration
  // directory (any client configuration of the service would do).
  ASSERT_TRUE(c.StopOm(victim).has_value());

  CliResult wrong_host = decommission(victim, id, "127.0.0.2", false);
  EXPECT_EQ(wrong_host.code, 255);
  EXPECT_NE(wrong_host.err.find("OM " + id + "'s host address in config - 127.0.0.1 does not "
                                "match the provided host address 127.0.0.2"),
            std::string::npos)
      << wrong_host.err;
  CliResult unknown = decommission(victim, "om9", "127.0.0.1", false);
  EXPECT_EQ(unknown.code, 255);
  EXPECT_NE(unknown.err.find("There is no OM corresponding to om9"), std::string::npos)
      << unknown.err;

  CliResult not_listed = decommission(victim, id, "127.0.0.1", false);
  EXPECT_EQ(not_listed.code, 255);
  EXPECT_NE(not_listed.err.find("Please add the to be decommissioned OM " + id + " to the " +
                                kDecommissioned + " config in ozone-site.xml of all nodes."),
            std::string::npos)
      << not_listed.err;

  // The operator's file says so, the running OMs' files do not: both are named.
  c.SetNodeKey(victim, kDecommissioned, id);
  const std::string stale =
      " have not been updated with decommissioned nodes list or their address for the "
      "decommissioning node does not match";
  CliResult refused = decommission(victim, id, "127.0.0.1", false);
  EXPECT_EQ(refused.code, 255);
  EXPECT_NE(refused.err.find("OM(s) " + c.NodeId(std::min(l, other)) + "," +
                             c.NodeId(std::max(l, other)) + stale),
            std::string::npos)
      << refused.err;
  c.SetNodeKey(l, kDecommissioned, id);
  refused = decommission(victim, id, "127.0.0.1", false);
  EXPECT_EQ(refused.code, 255);
  EXPECT_NE(refused.err.find("OM(s) " + c.NodeId(other) + stale), std::string::npos)
      << refused.err;
  // Nothing changed meanwhile.
  CliResult roles = c.Ozone(l, {"admin", "om", "roles", "-id", Svc()});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(Members(roles.out), 3u) << roles.out;

  c.SetNodeKey(other, kDecommissioned, id);
  CliResult done = decommission(victim, id, "127.0.0.1", false);
  ASSERT_EQ(done.code, 0) << done.out << done.err;
  EXPECT_EQ(done.out, "Successfully decommissioned OM " + id + "\n");

  // Two members left, through either OM; the ring goes on writing.
  for (int n : {l, other}) {
    roles = c.Ozone(n, {"admin", "om", "roles", "-id", Svc()});
    ASSERT_EQ(roles.code, 0) << roles.err;
    EXPECT_EQ(Members(roles.out), 2u) << roles.out;
    EXPECT_EQ(WithRole(roles.out, "LEADER").size(), 1u) << roles.out;
    EXPECT_EQ(roles.out.find(id), std::string::npos) << roles.out;
  }
  Result<om::OMResponse> vol2 = c.Submit(CreateVolumeRequest("vol2"));
  ASSERT_TRUE(vol2.ok()) << vol2.status().ToString();
  EXPECT_EQ(vol2->status(), om::OK);

  // The leader dropped it from its peer list: asking again is Ozone's refusal.
  EXPECT_TRUE(c.WaitForLogLine(l, "OM " + id + " left the ring", 30s));
  CliResult again = decommission(victim, id, "127.0.0.1", false);
  EXPECT_EQ(again.code, 255);
  EXPECT_NE(again.out.find("Failed to decommission OM " + id), std::string::npos) << again.out;
  EXPECT_NE(again.err.find("OM node not present in the OM peer list."), std::string::npos)
      << again.err;
}

}  // namespace
}  // namespace ozone::integration
