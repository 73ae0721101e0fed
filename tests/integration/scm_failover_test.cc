// SCM HA under failures (issue 4, "Must hold"): three `ozone scm` processes set up through the
// CLI, simulated datanodes, kill -9 of leaders under allocation, a wiped follower, identical
// replicas, leader-only services, and the migration of a one-node SCM with data (seed 001).
// The 20-failover soak is scm_chaos_test (label "chaos").
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/integration/allocation_load.h"
#include "tests/integration/scm_cluster.h"
#include "tests/integration/scm_scenarios.h"

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

// The keys of a `ozone debug ldb scan --with-keys` output: { "<key>": <value>, "<key>": ... }
// (values are pretty-printed with `"field" : `, a space before the colon; keys have none).
std::set<std::string> ScanKeys(const std::string& scan) {
  std::set<std::string> keys;
  std::regex key("\"([^\"]+)\": ");
  for (auto it = std::sregex_iterator(scan.begin(), scan.end(), key); it != std::sregex_iterator();
       ++it) {
    keys.insert((*it)[1]);
  }
  return keys;
}

// The services the node says it runs now: its last "leader-only services RUNNING: [...]" line.
std::string RunningServices(const ScmCluster& c, int node) {
  const std::string marker = "leader-only services RUNNING: [";
  std::string line = c.LastLogLine(node, marker);
  if (line.empty()) return "<none logged>";
  size_t begin = line.find(marker) + marker.size();
  return line.substr(begin, line.find(']', begin) - begin);
}

bool RunsAllLeaderServices(const std::string& running) {
  for (const char* s : {"BackgroundPipelineCreator", "SCMBlockDeletingService",
                        "ReplicationManager", "SCMHATransactionMonitor"}) {
    if (running.find(s) == std::string::npos) return false;
  }
  return true;
}

// Whether `leader` runs every leader-only service (and the balancer when `balancer`) and every
// other running node runs none.
bool OnlyLeaderRunsServices(ScmCluster& c, int leader, bool balancer, std::string* state) {
  bool ok = true;
  state->clear();
  for (int i = 1; i <= c.size(); ++i) {
    if (!c.IsRunning(i)) continue;
    std::string running = RunningServices(c, i);
    *state += c.NodeId(i) + ": [" + running + "] ";
    if (i == leader) {
      ok = ok && RunsAllLeaderServices(running) &&
           (running.find("ContainerBalancer") != std::string::npos) == balancer;
    } else {
      ok = ok && running.empty();
    }
  }
  return ok;
}

// "key" : value pairs of a pretty-printed JSON object (one level), trailing commas dropped.
std::map<std::string, std::string> JsonFields(const std::string& text) {
  std::map<std::string, std::string> out;
  std::regex field("^\\s*\"([^\"]+)\" : (.*?),?$");
  for (const auto& l : Lines(text)) {
    std::smatch m;
    if (std::regex_match(l, m, field)) out[m[1]] = m[2];
  }
  return out;
}

std::vector<std::string> RaftLogSegments(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("log_", 0) == 0) out.push_back(name);
  }
  return out;
}

// The first index of the oldest segment of a Raft log directory ("log_<first>-<last>",
// "log_inprogress_<first>").
uint64_t FirstLogIndex(const std::string& dir) {
  uint64_t first = UINT64_MAX;
  for (const std::string& name : RaftLogSegments(dir)) {
    std::smatch m;
    if (std::regex_match(name, m, std::regex("log_(?:inprogress_)?([0-9]+)(?:-[0-9]+)?"))) {
      first = std::min<uint64_t>(first, std::stoull(m[1]));
    }
  }
  return first;
}

TEST(ScmFailoverTest, LeaderKilledUnderAllocationRecoversWithUniqueIdsAndRejoins) {
  ScmCluster c;
  StartAllocatingRing(c);
  ASSERT_FALSE(HasFatalFailure());
  AllocationLoad load(&c);
  load.Start();
  std::vector<FailoverRound> rounds = KillLeaderRounds(c, load, 3);
  load.Stop();
  ASSERT_EQ(rounds.size(), 3u);
  std::printf("kill -9 of the leader -> first allocateBlock served: %s; %zu blocks, %zu failed "
              "calls\n",
              DescribeFailovers(rounds).c_str(), load.block_count(), load.error_count());
  CheckAllocatedIds(load.blocks(), rounds);
  // A reused container id would have been refused by the replicas.
  for (const std::string& e : load.errors()) {
    EXPECT_EQ(e.find("CONTAINER_EXISTS"), std::string::npos) << e;
  }
  // Every container a block went to is known to the ring.
  auto client = c.Client();
  std::set<int64_t> seen;
  for (const auto& b : load.blocks()) seen.insert(b.container_id);
  for (int64_t id : seen) {
    auto info = client->GetContainer(id);
    EXPECT_TRUE(info.ok()) << "container " << id << ": " << info.status();
  }
}

TEST(ScmFailoverTest, ReplicasHoldIdenticalScmDbAfterQuiescing) {
  ScmCluster c;
  StartAllocatingRing(c);
  ASSERT_FALSE(HasFatalFailure());
  // Containers and blocks under one leader, then under another (transfer), deleted blocks,
  // a closed container and the balancer's configuration.
  AllocationLoad load(&c);
  load.Start();
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return load.block_count() >= 200; }, 60s));
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  int next = *leader % 3 + 1;
  CliResult transfer = c.Ozone(1, {"admin", "scm", "transfer", "-n", c.ScmUuid(next)});
  ASSERT_EQ(transfer.code, 0) << transfer.err;
  const size_t before = load.block_count();
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return load.block_count() >= before + 200; }, 60s));
  load.Stop();

  auto client = c.Client();
  std::vector<AllocatedBlockRecord> blocks = load.blocks();
  scm::KeyBlocks key;
  key.set_key("/vol/bucket/key1");
  for (size_t i = 0; i < blocks.size(); i += 7) {
    hdds::BlockID* b = key.add_blocks();
    b->mutable_containerblockid()->set_containerid(blocks[i].container_id);
    b->mutable_containerblockid()->set_localid(blocks[i].local_id);
  }
  auto deleted = client->DeleteKeyBlocks({key});
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  CliResult created = c.Ozone(2, {"admin", "container", "create"});
  ASSERT_EQ(created.code, 0) << created.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created.out, m, std::regex("Container ([0-9]+) is created")));
  EXPECT_EQ(c.Ozone(3, {"admin", "container", "close", m[1]}).code, 0);
  CliResult balancer = c.Ozone(1, {"admin", "containerbalancer", "start", "-t", "5", "-i", "1"});
  EXPECT_EQ(balancer.code, 0) << balancer.err;
  // The balancer's single iteration ends with shouldRun=false saved; wait for it (a save after
  // the scan would be a difference of timing, not of replicas).
  ASSERT_TRUE(ScmCluster::WaitUntil(
      [&] {
        return c.Ozone(1, {"admin", "containerbalancer", "status"}).out ==
               "ContainerBalancer is Not Running.\n";
      },
      30s));

  uint64_t term = 0;
  auto scans = QuiesceStopAndScan(c, ReplicatedColumnFamilies(), &term);
  ASSERT_FALSE(HasFailure());
  ExpectIdenticalReplicas(scans, term);
  for (const auto& [cf, by_node] : scans) {
    if (cf != "deletedBlocks") {
      EXPECT_FALSE(ScanKeys(by_node.at(1)).empty()) << by_node.at(1);
    }
  }
  // What the replicas agree on is what was written.
  std::set<std::string> containers = ScanKeys(scans["containers"][1]);
  for (const auto& b : blocks) EXPECT_TRUE(containers.count(std::to_string(b.container_id)));
  EXPECT_TRUE(containers.count(m[1].str()));
  EXPECT_NE(scans["statefulServiceConfig"][1].find("ContainerBalancer"), std::string::npos);
}

TEST(ScmFailoverTest, WipedFollowerRejoinsThroughCheckpointInstall) {
  // Small snapshots, segments and purge gap: the leader's log soon starts past index 1, so a
  // node with nothing can only catch up through a checkpoint.
  ScmCluster c({.keys = {{"ozone.scm.ha.ratis.snapshot.threshold", "20"},
                         {"ozone.scm.ha.ratis.log.purge.enabled", "true"},
                         {"ozone.scm.ha.ratis.log.purge.gap", "5"},
                         {"ozone.scm.ha.ratis.segment.size", "8KB"},
                         {"ozone.scm.ha.ratis.segment.preallocated.size", "8KB"}}});
  StartAllocatingRing(c);
  ASSERT_FALSE(HasFatalFailure());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  auto client = c.Client();
  std::vector<int64_t> before_wipe;
  for (int i = 0; i < 30; ++i) {
    auto created = client->CreateContainer(hdds::RATIS, hdds::THREE, "before-wipe");
    ASSERT_TRUE(created.ok()) << created.status();
    before_wipe.push_back(created->containerinfo().containerid());
  }

  const int follower = *leader % 3 + 1;
  const size_t installs_before = c.LogLines(follower, "installed the checkpoint of").size();
  c.KillScm(follower);
  c.WipeMetadata(follower, /*keep_version=*/true);
  ASSERT_FALSE(fs::exists(c.MetaDir(follower) + "/scm.db"));

  // The ring moves on without it, past what its log would need.
  std::vector<int64_t> while_away;
  for (int i = 0; i < 60; ++i) {
    auto created = client->CreateContainer(hdds::RATIS, hdds::THREE, "while-away");
    ASSERT_TRUE(created.ok()) << created.status();
    while_away.push_back(created->containerinfo().containerid());
  }
  leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  const std::string leader_log = c.MetaDir(*leader) + "/scm.ratis";
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return FirstLogIndex(leader_log) > 1; }, 30s))
      << "the leader's log was not purged: " << ::testing::PrintToString(RaftLogSegments(leader_log));

  // The operator re-bootstraps the node (its VERSION is kept: same scmUuid, same ring member)
  // and starts it.
  CliResult boot = c.Ozone(follower, {"scm", "--bootstrap"});
  ASSERT_EQ(boot.code, 0) << boot.err;
  Status started = c.StartScm(follower);
  ASSERT_TRUE(started.ok()) << started;
  Status rejoined = c.WaitForFollower(follower);
  ASSERT_TRUE(rejoined.ok()) << rejoined;
  EXPECT_TRUE(ScmCluster::WaitUntil(
      [&] { return c.LogLines(follower, "installed the checkpoint of").size() > installs_before; },
      15s));
  EXPECT_TRUE(c.WaitForLogLine(follower, "installing the snapshot of"));

  // Its scm.db holds what was written before the wipe and while it was away.
  Result<std::string> scan = c.Scan(follower, "containers");
  ASSERT_TRUE(scan.ok()) << scan.status();
  std::set<std::string> keys = ScanKeys(*scan);
  for (int64_t id : before_wipe) EXPECT_TRUE(keys.count(std::to_string(id))) << id;
  for (int64_t id : while_away) EXPECT_TRUE(keys.count(std::to_string(id))) << id;

  // And it serves as a leader with that state.
  CliResult transfer = c.Ozone(1, {"admin", "scm", "transfer", "-n", c.ScmUuid(follower)});
  ASSERT_EQ(transfer.code, 0) << transfer.err;
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return c.WaitForLeader(5s).value_or(0) == follower; }, 30s));
  CliResult info = c.Ozone(follower, {"admin", "container", "info", std::to_string(before_wipe[0])});
  EXPECT_EQ(info.code, 0) << info.err;
}

TEST(ScmFailoverTest, LeaderOnlyServicesRunOnExactlyOneNodeAndTheBalancerSurvivesFailover) {
  ScmCluster c;
  StartAllocatingRing(c);
  ASSERT_FALSE(HasFatalFailure());
  Result<int> leader = c.WaitForLeader();
  ASSERT_TRUE(leader.ok());
  std::string state;
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return OnlyLeaderRunsServices(c, *leader, false, &state); },
                                    30s))
      << state;

  // The balancer runs until stopped, an iteration an hour: it stays running.
  CliResult start = c.Ozone(2, {"admin", "containerbalancer", "start", "-t", "5", "--iterations=-1",
                                "--balancing-iteration-interval-minutes", "60"});
  ASSERT_EQ(start.code, 0) << start.err;
  EXPECT_EQ(start.out, "Container Balancer started successfully.\n");
  CliResult status = c.Ozone(3, {"admin", "containerbalancer", "status", "-v"});
  ASSERT_EQ(status.code, 0) << status.err;
  ASSERT_EQ(Lines(status.out).at(0), "ContainerBalancer is Running.");
  std::map<std::string, std::string> config = JsonFields(status.out);
  EXPECT_EQ(config["utilizationThreshold"], "\"5\"");
  EXPECT_EQ(config["iterations"], "-1");
  EXPECT_EQ(config["balancingIterationInterval"], "3600000");
  config.erase("nextIterationIndex");

  // Transfer: the services stop on the old leader and start on the new one, balancer included.
  int target = *leader % 3 + 1;
  CliResult transfer = c.Ozone(1, {"admin", "scm", "transfer", "-n", c.ScmUuid(target)});
  ASSERT_EQ(transfer.code, 0) << transfer.err;
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return OnlyLeaderRunsServices(c, target, true, &state); },
                                    30s))
      << state;
  EXPECT_TRUE(c.WaitForLogLine(*leader, "ContainerBalancer: stopping on this node"));

  // kill -9 of the leader: the next leader resumes the balancer with the same configuration.
  c.KillScm(target);
  Result<int> next = c.WaitForLeader();
  ASSERT_TRUE(next.ok());
  ASSERT_NE(*next, target);
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return OnlyLeaderRunsServices(c, *next, true, &state); },
                                    30s))
      << state;
  CliResult resumed = c.Ozone(*next, {"admin", "containerbalancer", "status", "-v"});
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(Lines(resumed.out).at(0), "ContainerBalancer is Running.") << resumed.out;
  std::map<std::string, std::string> after = JsonFields(resumed.out);
  after.erase("nextIterationIndex");
  EXPECT_EQ(after, config) << resumed.out;
  EXPECT_TRUE(c.WaitForLogLine(*next, "ContainerBalancer: resuming at iteration"));

  // The killed node comes back as a follower running none of them.
  ASSERT_TRUE(c.StartScm(target).ok());
  ASSERT_TRUE(c.WaitForFollower(target).ok());
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return OnlyLeaderRunsServices(c, *next, true, &state); },
                                    30s))
      << state;

  // Stopped by the operator: stopped everywhere, and it stays stopped after the next failover.
  CliResult stop = c.Ozone(1, {"admin", "containerbalancer", "stop"});
  ASSERT_EQ(stop.code, 0) << stop.err;
  EXPECT_EQ(c.Ozone(2, {"admin", "containerbalancer", "status"}).out,
            "ContainerBalancer is Not Running.\n");
  c.KillScm(*next);
  Result<int> third = c.WaitForLeader();
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(ScmCluster::WaitUntil([&] { return OnlyLeaderRunsServices(c, *third, false, &state); },
                                    30s))
      << state;
  EXPECT_EQ(c.Ozone(*third, {"admin", "containerbalancer", "status"}).out,
            "ContainerBalancer is Not Running.\n");
}

TEST(ScmMigrationTest, OneNodeScmWithDataExtendedToThree) {
  // Seed 001, "Migrating from existing SCM": one node in the ring, in use.
  ScmCluster c({.nodes = 1});
  CliResult init = c.Ozone(1, {"scm", "--init"});
  ASSERT_EQ(init.code, 0) << init.err;
  ASSERT_TRUE(c.StartScm(1).ok());
  ASSERT_TRUE(c.WaitForLeader().ok());
  c.StartDatanodes(3);
  ASSERT_TRUE(c.WaitOutOfSafeMode());
  auto client = c.Client();
  std::set<int64_t> containers;
  std::string last;
  ASSERT_TRUE(ScmCluster::WaitUntil(
      [&] {
        auto r = client->AllocateBlocks(64 << 20, 5, hdds::RATIS, hdds::THREE, "om");
        if (!r.ok()) last = r.status().ToString();
        if (r.ok()) {
          for (const auto& b : *r) containers.insert(b.containerblockid().containerid());
        }
        return r.ok();
      },
      60s))
      << last;
  for (int i = 0; i < 10; ++i) {
    auto created = client->CreateContainer(hdds::RATIS, hdds::THREE, "om");
    ASSERT_TRUE(created.ok()) << created.status();
    containers.insert(created->containerinfo().containerid());
  }
  const std::string cluster_id = c.ClusterId(1);

  // Extend the configuration to three nodes, restart the SCM, bootstrap the new ones.
  c.Reconfigure(3);
  std::optional<int> stopped = c.StopScm(1);
  ASSERT_TRUE(stopped && WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0);
  ASSERT_TRUE(c.StartScm(1).ok());
  for (int i = 2; i <= 3; ++i) {
    CliResult boot = c.Ozone(i, {"scm", "--bootstrap"});
    ASSERT_EQ(boot.code, 0) << boot.err;
    Status started = c.StartScm(i);
    ASSERT_TRUE(started.ok()) << started;
  }
  for (int i = 2; i <= 3; ++i) {
    EXPECT_EQ(c.ClusterId(i), cluster_id);
    Status caught_up = c.WaitForFollower(i);
    ASSERT_TRUE(caught_up.ok()) << caught_up;
  }
  CliResult roles = c.Ozone(3, {"admin", "scm", "roles"});
  ASSERT_EQ(roles.code, 0) << roles.err;
  EXPECT_EQ(Lines(roles.out).size(), 3u) << roles.out;

  // Nothing lost: every node, leading in turn, serves every container; scm1 (the one the
  // datanodes know) allocates again ...
  auto three = c.Client();
  for (int i : {2, 3, 1}) {
    SCOPED_TRACE("led by " + c.NodeId(i));
    if (c.WaitForLeader().value_or(0) != i) {
      CliResult t = c.Ozone(1, {"admin", "scm", "transfer", "-n", c.ScmUuid(i)});
      ASSERT_EQ(t.code, 0) << t.err;
      ASSERT_TRUE(ScmCluster::WaitUntil([&] { return c.WaitForLeader(5s).value_or(0) == i; }, 30s));
    }
    CliResult list = c.Ozone(i, {"admin", "container", "list", "--count=1000"});
    ASSERT_EQ(list.code, 0) << list.err;
    for (int64_t id : containers) {
      EXPECT_NE(list.out.find("\"containerID\" : " + std::to_string(id) + ","), std::string::npos)
          << id;
    }
  }
  std::string last_error;
  EXPECT_TRUE(ScmCluster::WaitUntil(
      [&] {
        auto more = three->AllocateBlocks(64 << 20, 1, hdds::RATIS, hdds::THREE, "om");
        if (!more.ok()) last_error = more.status().ToString();
        return more.ok();
      },
      30s))
      << last_error;

  // ... and once quiet and stopped, every scm.db holds them, identically.
  uint64_t term = 0;
  auto scans = QuiesceStopAndScan(c, ReplicatedColumnFamilies(), &term);
  ASSERT_FALSE(HasFailure());
  for (int i = 1; i <= 3; ++i) {
    std::set<std::string> keys = ScanKeys(scans["containers"][i]);
    for (int64_t id : containers) EXPECT_TRUE(keys.count(std::to_string(id))) << c.NodeId(i) << " " << id;
  }
  ExpectIdenticalReplicas(scans, term);
}

}  // namespace
}  // namespace ozone::integration
