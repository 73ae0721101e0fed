// The deterministic simulation as a test: a few thousand seeds over 3- and 5-node groups, split
// into several TESTs so ctest runs them in parallel.
//
// Environment:
//   RAFT_SIM_SEED=<n>     run only seed n (in every TEST below; see RAFT_SIM_NODES)
//   RAFT_SIM_NODES=3|5    with RAFT_SIM_SEED: the group size (default: each TEST's own)
//   RAFT_SIM_VERBOSE=1    with RAFT_SIM_SEED: print every event of the run
//   RAFT_SIM_SCALE=<k>    run k times as many seeds per TEST (default 1)
//   RAFT_SIM_TRANSPORT=connection|datagram   force the transport every seed uses
//   RAFT_SIM_BOOTSTRAP=entry|snapshot         force how every seed bootstraps
//   RAFT_SIM_SABOTAGE=1|2|3                   break the driver on purpose (see Sabotage)
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "ha/raft/sim/seed_runner.h"

namespace ozone::raft::sim {
namespace {

uint64_t EnvUint(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

class RaftSimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { PrepareProcess(EnvUint("RAFT_SIM_VERBOSE", 0) != 0); }

  static SeedOverrides Overrides() {
    SeedOverrides o;
    const char* t = std::getenv("RAFT_SIM_TRANSPORT");
    if (t != nullptr && std::string(t) == "connection") o.connection_transport = true;
    if (t != nullptr && std::string(t) == "datagram") o.connection_transport = false;
    const char* b = std::getenv("RAFT_SIM_BOOTSTRAP");
    if (b != nullptr && std::string(b) == "entry") o.bootstrap_with_entry = true;
    if (b != nullptr && std::string(b) == "snapshot") o.bootstrap_with_entry = false;
    const uint64_t sabotage = EnvUint("RAFT_SIM_SABOTAGE", 0);
    if (sabotage >= 1 && sabotage <= 3) o.sabotage = static_cast<Sabotage>(sabotage);
    return o;
  }

  // Runs `count` seeds from `first` with `nodes` voters (or the one seed of RAFT_SIM_SEED).
  static void RunSweep(uint64_t first, uint64_t count, int nodes) {
    if (std::getenv("RAFT_SIM_SEED") != nullptr) {
      const uint64_t seed = EnvUint("RAFT_SIM_SEED", 1);
      const int n = static_cast<int>(EnvUint("RAFT_SIM_NODES", static_cast<uint64_t>(nodes)));
      const bool verbose = EnvUint("RAFT_SIM_VERBOSE", 0) != 0;
      SeedResult r = RunSeed(seed, n, verbose ? &std::cout : nullptr, Overrides());
      EXPECT_TRUE(r.status.ok()) << FailureReport(r);
      return;
    }
    count *= EnvUint("RAFT_SIM_SCALE", 1);
    SweepSummary summary = RunSeeds(first, first + count - 1, {nodes}, 1, 3, Overrides());
    std::cout << "raft_sim_test: " << nodes << " nodes: " << summary.ToString() << "\n";
    for (const SeedResult& failure : summary.failures) {
      ADD_FAILURE() << FailureReport(failure);
    }
  }
};

// Seeds are disjoint across TESTs of one size; each TEST takes well under a minute.
TEST_F(RaftSimTest, ThreeNodesSeeds1) { RunSweep(1, 1000, 3); }
TEST_F(RaftSimTest, ThreeNodesSeeds2) { RunSweep(100001, 1000, 3); }
TEST_F(RaftSimTest, ThreeNodesSeeds3) { RunSweep(200001, 1000, 3); }
TEST_F(RaftSimTest, FiveNodesSeeds1) { RunSweep(1, 700, 5); }
TEST_F(RaftSimTest, FiveNodesSeeds2) { RunSweep(100001, 700, 5); }
TEST_F(RaftSimTest, FiveNodesSeeds3) { RunSweep(200001, 700, 5); }

// The simulation must catch a driver that breaks the rules: for each sabotage, some early seed
// fails with the violation that sabotage causes (liveness failures do not count).
struct SabotageCase {
  const char* name;
  Sabotage sabotage;
  std::vector<std::string> expected;  // the failure must mention one of these
  bool snapshots = true;              // false: no snapshots, purges or state machine flushes
  // Seeds tried. A forgotten vote only shows when a crash lands between a vote and the end of its
  // election, and a candidate still asks the restarted server; about one seed in 300 does that.
  uint64_t seeds = 300;
};

void PrintTo(const SabotageCase& c, std::ostream* os) { *os << c.name; }

class RaftSimSabotageTest : public ::testing::TestWithParam<SabotageCase> {
 protected:
  static void SetUpTestSuite() { PrepareProcess(false); }
};

TEST_P(RaftSimSabotageTest, IsCaught) {
  const SabotageCase& c = GetParam();
  for (uint64_t seed = 1; seed <= c.seeds; ++seed) {
    SimOptions options = OptionsForSeed(seed, seed % 2 == 0 ? 3 : 5);
    options.sabotage = c.sabotage;
    options.connection_transport = true;
    options.converge_timeout = 3 * kSecond;  // liveness failures do not count here
    if (!c.snapshots) {
      options.faults.snapshot_weight = 0;
      options.faults.snapshot_every = 1'000'000;
      options.faults.flush_probability = 0;
    }
    SimCluster cluster(options);
    const Status status = cluster.Run();
    if (status.ok() || status.message().rfind("liveness", 0) == 0) continue;
    std::cout << c.name << " caught by seed " << seed << ": " << status.ToString().substr(0, 400)
              << "\n";
    bool expected = false;
    for (const std::string& e : c.expected)
      expected |= status.message().find(e) != std::string::npos;
    EXPECT_TRUE(expected) << status;
    return;
  }
  ADD_FAILURE() << "no seed in 1.." << c.seeds << " noticed " << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Sabotages, RaftSimSabotageTest,
    ::testing::Values(
        // Acknowledging unsynced entries lets a crash lose what a quorum counted on.
        SabotageCase{"AckBeforeSync",
                     Sabotage::kAckBeforeSync,
                     {"log matching", "leader completeness", "state machine safety", "linearizab",
                      "acknowledged write", "durable", "commit index", "applied",
                      "restarted with its state machine"}},
        // Without snapshots, the lost entries surface as broken Raft properties.
        SabotageCase{"AckBeforeSyncWithoutSnapshots",
                     Sabotage::kAckBeforeSync,
                     {"log matching", "leader completeness", "state machine safety", "linearizab",
                      "acknowledged write", "commit index"},
                     false},
        // Answering before the apply reads a stale state.
        SabotageCase{"ServeReadsEarly", Sabotage::kServeReadsEarly, {"linearizab"}},
        // A forgotten vote lets a server vote twice in one term.
        SabotageCase{
            "ForgetVote", Sabotage::kForgetVote, {"vote", "election safety"}, true, 2000}),
    [](const ::testing::TestParamInfo<SabotageCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace ozone::raft::sim
