// `ozone om --bootstrap` into a running OM ring as real processes (tests/integration/om_cluster.h)
// the way Ozone does it (reference/ozone-ha.md §3.10): the operator adds the new OM to every OM's
// ozone-site.xml, the running OMs are NOT restarted (they re-read the file), then `ozone om
// --init` and `ozone om --bootstrap` on the new node. Before joining, the new OM asks every peer
// whether its re-read file has it; a peer that does not stops the bootstrap with Ozone's message
// and nothing changes, unless --force.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <filesystem>

#include "om.grpc.pb.h"
#include "tests/integration/om_cluster.h"

namespace ozone::integration {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string Svc() { return OmCluster::kServiceId; }

// What OM `node` answers to GetOMConfiguration (the call a bootstrapping OM makes).
Result<om::OMConfigurationResponse> OmConfiguration(OmCluster& c, int node) {
  auto stub = om::OzoneManagerAdminService::NewStub(
      grpc::CreateChannel(c.RpcAddress(node), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  om::OMConfigurationResponse r;
  grpc::Status s = stub->GetOMConfiguration(&ctx, om::OMConfigurationRequest(), &r);
  if (!s.ok()) return Status::Unavailable(s.error_message());
  return r;
}

// "om1:9862,om2:9872" of what `node` holds in memory: ring members with their RPC ports.
std::string InMemory(OmCluster& c, int node) {
  Result<om::OMConfigurationResponse> r = OmConfiguration(c, node);
  if (!r.ok()) return r.status().ToString();
  std::string out;
  for (const auto& n : r->nodesinmemory()) {
    out += (out.empty() ? "" : ",") + n.nodeid() + ":" + std::to_string(n.rpcport());
  }
  return out;
}

std::string Expected(OmCluster& c, int nodes) {
  std::string out;
  for (int i = 1; i <= nodes; ++i) {
    out += (i > 1 ? "," : "") + c.NodeId(i) + ":" + std::to_string(c.RpcPort(i));
  }
  return out;
}

Status CreateKeys(client::OmClient& om, const std::string& prefix, int n) {
  for (int i = 0; i < n; ++i) {
    OZ_RETURN_IF_ERROR(CreateEmptyKey(om, "bootvol", "bootbucket", prefix + std::to_string(i)));
  }
  return Status::OK();
}

// Awaits every listed OM's `cf` being identical and holding `last`.
bool SameRows(OmCluster& c, const std::vector<int>& nodes, const std::string& cf,
              const std::string& last) {
  return ScmCluster::WaitUntil(
      [&] {
        std::optional<std::string> first;
        for (int n : nodes) {
          Result<std::string> rows = c.Scan(n, cf);
          if (!rows.ok() || rows->find(last) == std::string::npos) return false;
          if (first && *first != *rows) return false;
          first = *rows;
        }
        return true;
      },
      60s);
}

// Seed 003's growth of a ring: om1 alone (--init), om2 then om3 joining by --bootstrap after
// being written into every ozone-site.xml; no running OM is restarted.
TEST(OmBootstrapTest, NewOmsJoinTheRunningRingWithoutRestartingIt) {
  OmClusterOptions o;
  o.nodes = 1;
  o.spare_nodes = 2;
  // Small segments and early snapshots: the log the new OM needs is purged, so it installs a
  // checkpoint before catching up.
  o.keys = {{"ozone.om.ratis.snapshot.auto.trigger.threshold", "20"},
            {"ozone.om.ratis.log.purge.gap", "5"},
            {"ozone.om.ratis.segment.size", "4KB"},
            {"ozone.om.ratis.segment.preallocated.size", "4KB"}};
  OmCluster c(o);
  ASSERT_TRUE(c.StartScmRing().ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  ASSERT_EQ(c.WaitForLeader().value_or(0), 1);

  // om2 into every file (om1 keeps running), then init and bootstrap.
  c.Reconfigure(2);
  CliResult init2 = c.Ozone(2, {"om", "--init"});
  ASSERT_EQ(init2.code, 0) << init2.err;
  Status started2 = c.StartOm(2, /*bootstrap=*/true);
  ASSERT_TRUE(started2.ok()) << started2.ToString();
  ASSERT_TRUE(c.WaitForLeader().ok());

  auto client = c.NewClient(1);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE(CreateVolumeAndBucket(**client, "bootvol", "bootbucket").ok());
  Status keys = CreateKeys(**client, "before-", 25);
  ASSERT_TRUE(keys.ok()) << keys.ToString();

  // om3 likewise.
  c.Reconfigure(3);
  CliResult init3 = c.Ozone(3, {"om", "--init"});
  ASSERT_EQ(init3.code, 0) << init3.err;
  EXPECT_NE(init3.out.find("OM initialization succeeded"), std::string::npos) << init3.out;
  Status started3 = c.StartOm(3, /*bootstrap=*/true);
  ASSERT_TRUE(started3.ok()) << started3.ToString();
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok()) << leader.status().ToString();

  // The new OM installed a checkpoint and holds what was written before it joined.
  EXPECT_TRUE(c.WaitForLogLine(3, "installed the checkpoint", 60s));
  EXPECT_TRUE(SameRows(c, {1, 2, 3}, "keyTable", "before-24"));
  EXPECT_TRUE(SameRows(c, {1, 2, 3}, "bucketTable", "bootbucket"));

  // roles through every OM's configuration: three OMs, one leader.
  for (int i = 1; i <= 3; ++i) {
    CliResult roles = c.Ozone(i, {"admin", "om", "roles", "-id", Svc()});
    ASSERT_EQ(roles.code, 0) << roles.err;
    EXPECT_EQ(WithRole(roles.out, "LEADER").size(), 1u) << roles.out;
    EXPECT_EQ(WithRole(roles.out, "FOLLOWER").size(), 2u) << roles.out;
  }
  // Every OM learnt every member's addresses (om1 re-read its file twice, om2 once).
  for (int i = 1; i <= 3; ++i) {
    EXPECT_TRUE(ScmCluster::WaitUntil([&] { return InMemory(c, i) == Expected(c, 3); }, 30s))
        << c.NodeId(i) << ": " << InMemory(c, i);
  }

  // Keys created afterwards are on all three.
  keys = CreateKeys(**client, "after-", 10);
  ASSERT_TRUE(keys.ok()) << keys.ToString();
  EXPECT_TRUE(SameRows(c, {1, 2, 3}, "keyTable", "after-9"));

  // The new OM can lead: the others' NotLeader replies and roles name it with its RPC address,
  // which they only know from their re-read files.
  CliResult transfer = c.Ozone(1, {"admin", "om", "transfer", "-id", Svc(), "-n", "om3"});
  ASSERT_EQ(transfer.code, 0) << transfer.err;
  EXPECT_EQ(transfer.out, "Transfer leadership successfully to om3.\n");
  for (int i = 1; i <= 2; ++i) {
    OmCall refused;
    EXPECT_TRUE(ScmCluster::WaitUntil(
        [&] {
          refused = c.Call(i, InfoVolumeRequest("bootvol"));
          return !refused.rpc_ok && refused.leader_hint == c.RpcAddress(3);
        },
        30s))
        << c.NodeId(i) << ": " << refused.grpc_message << " hint " << refused.leader_hint;
  }
  CliResult roles = c.Ozone(2, {"admin", "om", "roles", "-id", Svc()});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(WithRole(roles.out, "LEADER"), std::vector<std::string>{"om3"}) << roles.out;
  EXPECT_EQ(WithRole(roles.out, "FOLLOWER").size(), 2u) << roles.out;
  // A client must have om3 in its configuration to reach it (Ozone's failover providers do not
  // follow a hint to an OM they are not configured with): one from the updated files.
  auto updated_client = c.NewClient(2);
  ASSERT_TRUE(updated_client.ok()) << updated_client.status().ToString();
  keys = CreateKeys(**updated_client, "om3-led-", 3);
  ASSERT_TRUE(keys.ok()) << keys.ToString();
  EXPECT_TRUE(SameRows(c, {1, 2, 3}, "keyTable", "om3-led-2"));

  // Nobody was restarted: om1 and om2 each started once.
  EXPECT_EQ(c.LogLines(1, "om om1: started (").size(), 1u);
  EXPECT_EQ(c.LogLines(2, "om om2: started (").size(), 1u);
  EXPECT_TRUE(c.WaitForLogLine(1, "re-read"));
}

// A running OM whose file was not updated: the bootstrap stops before anything changes, naming
// the OMs to fix in Ozone's words; --force goes ahead (the OM that does not know the new one
// logs it and carries on).
TEST(OmBootstrapTest, BootstrapRefusedWhileAnOmLacksTheNewNodeUnlessForced) {
  OmClusterOptions o;
  o.nodes = 2;
  o.spare_nodes = 1;
  OmCluster c(o);
  ASSERT_TRUE(c.StartScmRing(0).ok());
  ASSERT_TRUE(c.InitAndStartAll().ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol1")).value().status(), om::OK);

  // Only om3's own file has om3.
  CliResult init = c.Ozone(3, {"om", "--init"});
  ASSERT_EQ(init.code, 0) << init.err;
  const std::string tail =
      " do not have or have incorrect information of the bootstrapping OM. Update their "
      "ozone-site.xml before proceeding.";
  CliResult refused = c.Ozone(3, {"om", "--bootstrap"});
  EXPECT_EQ(refused.code, 255) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("OM(s) [om1[" + c.RpcAddress(1) + "],om2[" + c.RpcAddress(2) + "]]" +
                             tail),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.out.find("started"), std::string::npos) << refused.out;

  // om1's file updated, om2's not: only om2 is named.
  c.ReconfigureNode(1, 3);
  refused = c.Ozone(3, {"om", "--bootstrap"});
  EXPECT_EQ(refused.code, 255) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("OM [om2[" + c.RpcAddress(2) + "]]" + tail), std::string::npos)
      << refused.err;

  // Nothing changed: the ring still has two members, om3 has no Raft log.
  for (int i = 1; i <= 2; ++i) EXPECT_EQ(InMemory(c, i), Expected(c, 2)) << c.NodeId(i);
  CliResult roles = c.Ozone(1, {"admin", "om", "roles", "-id", Svc()});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(WithRole(roles.out, "LEADER").size() + WithRole(roles.out, "FOLLOWER").size(), 2u)
      << roles.out;
  const std::string log_dir = c.MetaDir(3) + "/om.ratis/" + Svc();
  EXPECT_TRUE(!fs::exists(log_dir) || fs::is_empty(log_dir)) << log_dir;

  // --force: it joins anyway.
  Status forced = c.StartOm(3, /*bootstrap=*/true, /*force=*/true);
  ASSERT_TRUE(forced.ok()) << forced.ToString();
  ASSERT_TRUE(c.WaitForLeader().ok());
  roles = c.Ozone(1, {"admin", "om", "roles", "-id", Svc()});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(WithRole(roles.out, "LEADER").size(), 1u) << roles.out;
  EXPECT_EQ(WithRole(roles.out, "FOLLOWER").size(), 2u) << roles.out;
  // om2 re-read its file, did not find om3, and carries on without its addresses.
  EXPECT_TRUE(c.WaitForLogLine(2, "OM om3 (", 30s));
  EXPECT_TRUE(ScmCluster::WaitUntil([&] { return InMemory(c, 1) == Expected(c, 3); }, 30s))
      << InMemory(c, 1);
  ASSERT_EQ(c.Submit(CreateVolumeRequest("vol2")).value().status(), om::OK);
  EXPECT_TRUE(SameRows(c, {1, 2, 3}, "volumeTable", "vol2"));
}

}  // namespace
}  // namespace ozone::integration
