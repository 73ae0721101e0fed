// SCM HA end to end (seeds 000, 001, 004): three `ozone scm` processes on 127.0.0.1 set up
// through the CLI, simulated datanodes, and the admin commands as operators type them.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "tests/integration/scm_cluster.h"

namespace ozone::integration {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Roles lines "host:port:ROLE:id:ip": the count of each role.
std::map<std::string, int> RoleCounts(const std::string& out) {
  std::map<std::string, int> counts;
  for (const auto& l : Lines(out)) {
    std::vector<std::string> f;
    std::stringstream ss(l);
    std::string part;
    while (std::getline(ss, part, ':')) f.push_back(part);
    if (f.size() == 5) ++counts[f[2]];
  }
  return counts;
}

TEST(ScmHaTest, ThreeScmsSetUpThroughTheCli) {
  ScmCluster c;
  // scm1: --init forms a one-node ring; the others bootstrap from it.
  CliResult init = c.Ozone(1, {"scm", "--init"});
  ASSERT_EQ(init.code, 0) << init.err;
  EXPECT_NE(init.out.find("SCM initialization succeeded. Current cluster id for sd="),
            std::string::npos)
      << init.out;
  ASSERT_TRUE(c.StartScm(1).ok());
  for (int i = 2; i <= 3; ++i) {
    CliResult b = c.Ozone(i, {"scm", "--bootstrap"});
    ASSERT_EQ(b.code, 0) << b.err;
    EXPECT_NE(b.out.find("SCM bootstrap is successful for ClusterID " + c.ClusterId(1)),
              std::string::npos)
        << b.out;
    Status started = c.StartScm(i);
    ASSERT_TRUE(started.ok()) << started;
  }
  // Every VERSION file carries the same clusterID, and its own scmUuid.
  std::set<std::string> uuids;
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(c.ClusterId(i), c.ClusterId(1));
    EXPECT_TRUE(std::regex_match(c.ClusterId(i), std::regex("CID-[0-9a-f-]{36}")));
    uuids.insert(c.ScmUuid(i));
    std::string version = ReadAll(c.VersionFile(i));
    EXPECT_NE(version.find("nodeType=SCM"), std::string::npos);
    EXPECT_EQ(version.front(), '#');
  }
  EXPECT_EQ(uuids.size(), 3u);
  ASSERT_TRUE(c.WaitForLeader().ok());

  // `ozone admin scm roles`: one LEADER, two FOLLOWERs, as host:ratisPort:ROLE:peerId:ip.
  ASSERT_TRUE(ScmCluster::WaitUntil(
      [&] { return RoleCounts(c.Ozone(2, {"admin", "scm", "roles"}).out)["FOLLOWER"] == 2; },
      30s));
  CliResult roles = c.Ozone(2, {"admin", "scm", "roles"});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(RoleCounts(roles.out)["LEADER"], 1) << roles.out;
  for (const auto& l : Lines(roles.out)) {
    EXPECT_TRUE(std::regex_match(l, std::regex("127\\.0\\.0\\.1:[0-9]+:(LEADER|FOLLOWER):[0-9a-f-]{36}:127\\.0\\.0\\.1")))
        << l;
  }
  CliResult with_svc = c.Ozone(3, {"admin", "scm", "roles", "--service-id=cluster1"});
  EXPECT_EQ(with_svc.code, 0) << with_svc.err;
  EXPECT_EQ(RoleCounts(with_svc.out)["LEADER"], 1);
  CliResult json = c.Ozone(1, {"admin", "scm", "roles", "--json"});
  EXPECT_EQ(json.code, 0);
  EXPECT_NE(json.out.find("\"raftPeerRole\" : \"LEADER\""), std::string::npos) << json.out;
  CliResult table = c.Ozone(1, {"admin", "scm", "roles", "--table"});
  EXPECT_NE(table.out.find("Storage Container Manager Roles"), std::string::npos);
  EXPECT_TRUE(std::regex_search(table.out, std::regex("\\|\\s+LEADER\\s+\\|"))) << table.out;

  // Re-running init and bootstrap is harmless.
  std::map<int, std::string> before;
  for (int i = 1; i <= 3; ++i) before[i] = ReadAll(c.VersionFile(i));
  for (int i = 1; i <= 3; ++i) {
    CliResult again = c.Ozone(i, {"scm", i == 1 ? "--init" : "--bootstrap"});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_EQ(ReadAll(c.VersionFile(i)), before[i]);
  }
  CliResult reinit = c.Ozone(1, {"scm", "--init"});
  EXPECT_NE(reinit.out.find("SCM already initialized. Reusing existing cluster id: " +
                            c.ClusterId(1)),
            std::string::npos);
  // A different --clusterid on an initialized node is refused.
  CliResult other = c.Ozone(1, {"scm", "--init", "--clusterid=CID-00000000-0000-0000-0000-000000000001"});
  EXPECT_EQ(other.code, 255);
  EXPECT_EQ(ReadAll(c.VersionFile(1)), before[1]);

  // SIGTERM shuts a server down cleanly.
  std::optional<int> status = c.StopScm(3);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  EXPECT_FALSE(c.LogLines(3, "scm scm3: stopped").empty());
}

TEST(ScmHaTest, AutoBootstrapWithPrimordialNode) {
  ScmCluster c({.keys = {{"ozone.scm.primordial.node.id", "scm1"}}});
  // Every node runs --init and --bootstrap; scm2 and scm3 do it while scm1 is still coming up
  // (their bootstrap waits for it), as containers started together do.
  std::vector<std::thread> others;
  std::map<int, std::pair<CliResult, CliResult>> results;
  std::mutex mu;
  for (int i = 2; i <= 3; ++i) {
    others.emplace_back([&, i] {
      CliResult init = c.Ozone(i, {"scm", "--init"});
      CliResult boot = c.Ozone(i, {"scm", "--bootstrap"});
      std::lock_guard<std::mutex> l(mu);
      results[i] = {init, boot};
    });
  }
  CliResult init1 = c.Ozone(1, {"scm", "--init"});
  ASSERT_EQ(init1.code, 0) << init1.err;
  CliResult boot1 = c.Ozone(1, {"scm", "--bootstrap"});
  ASSERT_EQ(boot1.code, 0) << boot1.err;
  EXPECT_NE(boot1.out.find("Skipping SCM bootstrap on scm1: it is the primordial SCM"),
            std::string::npos)
      << boot1.out;
  ASSERT_TRUE(c.StartScm(1).ok());
  for (auto& t : others) t.join();
  for (int i = 2; i <= 3; ++i) {
    EXPECT_EQ(results[i].first.code, 0) << results[i].first.err;
    EXPECT_NE(results[i].first.out.find("it is not the primordial SCM"), std::string::npos)
        << results[i].first.out;
    EXPECT_EQ(results[i].second.code, 0) << results[i].second.err;
    ASSERT_TRUE(c.StartScm(i).ok());
  }
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(c.ClusterId(i), c.ClusterId(1));
  ASSERT_TRUE(c.WaitForLeader().ok());
  ASSERT_TRUE(ScmCluster::WaitUntil(
      [&] {
        auto r = c.Roles();
        return r.ok() && r->peerroles_size() == 3;
      },
      30s));
  CliResult roles = c.Ozone(1, {"admin", "scm", "roles"});
  EXPECT_EQ(RoleCounts(roles.out)["LEADER"], 1) << roles.out;
  EXPECT_EQ(RoleCounts(roles.out)["FOLLOWER"], 2) << roles.out;
}

TEST(ScmHaTest, AdminCommandsWithDatanodes) {
  ScmCluster c;
  ASSERT_TRUE(c.InitAndStartAll().ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  CliResult in_safe_mode = c.Ozone(1, {"admin", "safemode", "status"});
  EXPECT_EQ(in_safe_mode.code, 0) << in_safe_mode.err;
  EXPECT_NE(in_safe_mode.out.find("Service ID: cluster1"), std::string::npos);
  EXPECT_NE(in_safe_mode.out.find("[scm1]: in safe mode"), std::string::npos) << in_safe_mode.out;

  c.StartDatanodes(5);
  CliResult wait = c.Ozone(1, {"admin", "safemode", "wait", "-t", "60"});
  ASSERT_EQ(wait.code, 0) << wait.err;
  EXPECT_NE(wait.out.find("SCM is out of safe mode."), std::string::npos);
  ASSERT_TRUE(ScmCluster::WaitUntil(
      [&] {
        CliResult s = c.Ozone(2, {"admin", "safemode", "status"});
        return s.out.find("in safe mode") == std::string::npos;
      },
      30s));
  CliResult status = c.Ozone(2, {"admin", "safemode", "status", "--verbose"});
  for (int i = 1; i <= 3; ++i) {
    EXPECT_NE(status.out.find("[scm" + std::to_string(i) + "]: out of safe mode"),
              std::string::npos)
        << status.out;
  }
  EXPECT_NE(status.out.find("validated:true, DataNodeSafeModeRule"), std::string::npos);

  // Datanodes register with every SCM and heartbeat to each.
  for (auto* dn : c.datanodes()) {
    ASSERT_TRUE(ScmCluster::WaitUntil([&] { return dn->registered_endpoints() == 3; }, 20s));
  }
  CliResult datanodes = c.Ozone(3, {"admin", "datanode", "list"});
  ASSERT_EQ(datanodes.code, 0) << datanodes.err;
  EXPECT_EQ(std::regex_search(datanodes.out, std::regex("Health State: HEALTHY")), true);
  size_t listed = 0;
  for (const auto& l : Lines(datanodes.out)) listed += l.rfind("Datanode: ", 0) == 0;
  EXPECT_EQ(listed, 5u);

  ASSERT_TRUE(ScmCluster::WaitUntil(
      [&] { return c.Ozone(1, {"admin", "pipeline", "list"}).out.find("RATIS/THREE, State:OPEN") !=
                   std::string::npos; },
      30s));

  // Containers: create, list, info, close (the datanodes close their replicas).
  CliResult created = c.Ozone(2, {"admin", "container", "create"});
  ASSERT_EQ(created.code, 0) << created.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created.out, m, std::regex("Container ([0-9]+) is created\\.")))
      << created.out;
  const std::string id = m[1];
  CliResult list = c.Ozone(3, {"admin", "container", "list"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("\"containerID\" : " + id), std::string::npos) << list.out;
  CliResult close = c.Ozone(1, {"admin", "container", "close", id});
  EXPECT_EQ(close.code, 0) << close.err;
  ASSERT_TRUE(ScmCluster::WaitUntil(
      [&] {
        return c.Ozone(1, {"admin", "container", "info", id}).out.find("Container State: CLOSED") !=
               std::string::npos;
      },
      30s));
  CliResult info = c.Ozone(1, {"admin", "container", "info", id});
  EXPECT_NE(info.out.find("Container id: " + id), std::string::npos);
  EXPECT_NE(info.out.find("Replicas: [State: CLOSED"), std::string::npos) << info.out;
  CliResult missing = c.Ozone(1, {"admin", "container", "info", "999999"});
  EXPECT_EQ(missing.code, 255);
  EXPECT_NE(missing.err.find("FAILED_TO_FIND_CONTAINER"), std::string::npos) << missing.err;

  // Replication manager and deleted blocks.
  CliResult rm = c.Ozone(1, {"admin", "replicationmanager", "status"});
  EXPECT_EQ(rm.out, "ReplicationManager is Running.\n");
  EXPECT_EQ(c.Ozone(1, {"admin", "replicationmanager", "stop"}).code, 0);
  EXPECT_EQ(c.Ozone(2, {"admin", "replicationmanager", "status"}).out,
            "ReplicationManager is Not Running.\n");
  EXPECT_EQ(c.Ozone(3, {"admin", "replicationmanager", "start"}).out,
            "Starting ReplicationManager...\n");
  CliResult summary = c.Ozone(1, {"admin", "scm", "deletedBlocksTxn", "summary"});
  EXPECT_EQ(summary.code, 0) << summary.err;
  EXPECT_NE(summary.out.find("DeletedBlocksTransaction summary:"), std::string::npos);

  // Leadership: transfer to a named follower, then to a random one; decommissioning the leader is
  // refused.
  auto leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  int target = *leader % 3 + 1;
  CliResult transfer =
      c.Ozone(1, {"admin", "scm", "transfer", "--service-id", "cluster1", "-n", c.ScmUuid(target)});
  ASSERT_EQ(transfer.code, 0) << transfer.err;
  EXPECT_EQ(transfer.out, "Transfer leadership successfully to " + c.ScmUuid(target) + ".\n");
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return c.WaitForLeader(5s).value_or(0) == target; }, 20s));
  CliResult random = c.Ozone(2, {"admin", "scm", "transfer", "-id", "cluster1", "-r"});
  EXPECT_EQ(random.code, 0) << random.err;
  EXPECT_EQ(random.out, "Transfer leadership successfully to random node.\n");
  leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  CliResult decommission =
      c.Ozone(1, {"admin", "scm", "decommission", "--nodeid=" + c.ScmUuid(*leader)});
  EXPECT_EQ(decommission.code, 255);
  EXPECT_NE(decommission.err.find("Cannot remove current leader."), std::string::npos)
      << decommission.err;
  CliResult usage = c.Ozone(1, {"admin", "scm", "transfer"});
  EXPECT_EQ(usage.code, 2);

  // `ozone admin` lists Ozone's subcommands; those of later work say so.
  CliResult admin = c.Ozone(1, {"admin"});
  EXPECT_EQ(admin.code, 2);
  for (const char* sub : {"scm", "om", "safemode", "container", "pipeline", "datanode",
                          "containerbalancer", "replicationmanager", "printTopology", "cert"}) {
    EXPECT_NE(admin.err.find(std::string("  ") + sub + " "), std::string::npos) << sub;
  }
  // No OM in this configuration: a clear error, not a crash.
  CliResult om = c.Ozone(1, {"admin", "om", "roles"});
  EXPECT_EQ(om.code, 255) << om.err;
}

}  // namespace
}  // namespace ozone::integration
