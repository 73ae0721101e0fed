// Scenarios shared by the SCM integration suites (scm_failover_test: a few rounds in `make test`;
// scm_chaos_test: many rounds, label "chaos"). They report failures through gtest, so callers
// check HasFatalFailure() after each.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/allocation_load.h"
#include "tests/integration/scm_cluster.h"

namespace ozone::integration {

// A ring of three SCMs set up through the CLI, `datanodes` simulated datanodes, out of safe mode
// on every node and allocating RATIS/THREE blocks.
void StartAllocatingRing(ScmCluster& c, int datanodes = 3);

struct FailoverRound {
  int killed = 0;                           // node number of the leader killed
  std::chrono::milliseconds to_allocation;  // kill -9 -> first block asked for after it arrived
  std::chrono::steady_clock::time_point killed_at;
  // The highest localId of the blocks that arrived before the kill.
  int64_t max_local_id_before = 0;
};

// `rounds` times, with `load` running: waits until every running node is out of safe mode and
// the load allocated since the last round; kill -9 of the leader; waits for the first block asked
// for after the kill (a generous sanity bound, no speed assertion); restarts the killed node
// through the CLI and waits until the leader's roles show it a FOLLOWER that caught up.
std::vector<FailoverRound> KillLeaderRounds(ScmCluster& c, AllocationLoad& load, int rounds);

// Checks what `blocks` (every block the load got) and `rounds` must satisfy: (containerId,
// localId) and localId unique; each thread's localIds strictly increasing (ids never go back,
// across failovers too); every block asked for after a kill has a localId above every block that
// arrived before it; a container's blocks all name one pipeline and one owner (a container id
// handed out twice would show up as one container in two places).
void CheckAllocatedIds(const std::vector<AllocatedBlockRecord>& blocks,
                       const std::vector<FailoverRound>& rounds);

// "median <m> ms, max <x> ms over <n> failovers (<each>, ...)".
std::string DescribeFailovers(const std::vector<FailoverRound>& rounds);

// The column families compared across replicas: containers, pipelines, deletedBlocks, sequenceId,
// statefulServiceConfig and scmTransactionInfos (Ozone's name of the transactionInfo table).
const std::vector<std::string>& ReplicatedColumnFamilies();

// Waits until the ring is quiet (ScmCluster::WaitForQuiescence), stops every node with SIGTERM
// (each flushes its transaction buffer), followers first, and returns, per column family, the
// `ozone debug ldb scan` output of each node (node number -> output).
std::map<std::string, std::map<int, std::string>> QuiesceStopAndScan(
    ScmCluster& c, const std::vector<std::string>& column_families,
    uint64_t* term_at_quiescence = nullptr);

// Expects every node's scan of every column family to be the same. scmTransactionInfos is exempt
// only when a node's says it applied an entry of a term after `term_at_quiescence`: an election
// between quiescence and shutdown (a starved follower's timeout) commits the new leader's no-op
// entry on some nodes only, which moves their (term, index) and no data (Ozone's
// transactionInfo moves alike on a Ratis leader's first entry).
void ExpectIdenticalReplicas(const std::map<std::string, std::map<int, std::string>>& scans,
                             uint64_t term_at_quiescence);

}  // namespace ozone::integration
