// SCM HA soak (label "chaos", `make chaos` only): 20 kill -9 failovers of the leader of a ring
// of three `ozone scm` processes under continuous allocateBlock traffic from several client
// threads; every failover is timed (kill -9 -> first block allocated by the new leader), block
// and container ids must stay unique and never go back, every killed node rejoins, and the
// replicas' scm.db agree at the end.
#include <gtest/gtest.h>

#include "tests/integration/allocation_load.h"
#include "tests/integration/scm_cluster.h"
#include "tests/integration/scm_scenarios.h"

namespace ozone::integration {
namespace {

constexpr int kFailovers = 20;

TEST(ScmChaosTest, TwentyLeaderKillsUnderAllocation) {
  ScmCluster c;
  StartAllocatingRing(c);
  ASSERT_FALSE(HasFatalFailure());
  AllocationLoad load(&c, {.threads = 4});
  load.Start();
  std::vector<FailoverRound> rounds = KillLeaderRounds(c, load, kFailovers);
  load.Stop();
  ASSERT_EQ(rounds.size(), static_cast<size_t>(kFailovers));
  std::printf("kill -9 of the leader -> first allocateBlock served: %s; %zu blocks, %zu failed "
              "calls\n",
              DescribeFailovers(rounds).c_str(), load.block_count(), load.error_count());
  RecordProperty("failovers", DescribeFailovers(rounds));
  CheckAllocatedIds(load.blocks(), rounds);
  for (const std::string& e : load.errors()) {
    EXPECT_EQ(e.find("CONTAINER_EXISTS"), std::string::npos) << e;
  }

  uint64_t term = 0;
  auto scans = QuiesceStopAndScan(c, ReplicatedColumnFamilies(), &term);
  ExpectIdenticalReplicas(scans, term);
}

}  // namespace
}  // namespace ozone::integration
