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
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

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
TEST_F(RaftSimTest, ThreeNodesSeeds1) { RunSweep(1, 500, 3); }
TEST_F(RaftSimTest, ThreeNodesSeeds2) { RunSweep(100001, 500, 3); }
TEST_F(RaftSimTest, ThreeNodesSeeds3) { RunSweep(200001, 500, 3); }
TEST_F(RaftSimTest, FiveNodesSeeds1) { RunSweep(1, 400, 5); }
TEST_F(RaftSimTest, FiveNodesSeeds2) { RunSweep(100001, 400, 5); }
TEST_F(RaftSimTest, FiveNodesSeeds3) { RunSweep(200001, 400, 5); }

}  // namespace
}  // namespace ozone::raft::sim
