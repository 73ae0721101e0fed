// SimCluster: one deterministic simulation run of a Raft group under faults.
//
// Servers n1..n<nodes> found the group; n<nodes+1>.. are spares that membership changes may add.
// A run has three phases:
//   1. chaos: clients issue operations while the Nemesis crashes and restarts servers, partitions
//      and degrades the network, changes the membership and moves leadership;
//   2. convergence: the network heals, every server restarts, and the cluster must settle (a
//      ready leader, its configuration committed, every member applied through its last index)
//      within SimOptions::converge_timeout;
//   3. final checks: every member holds the same state, equal to a replay of the applied log;
//      every acknowledged write is in it; the client history is linearizable.
// After every step (one message delivered or one timer fired, with all the Readies it causes) the
// InvariantChecker checks Raft's safety properties and each LogStore's contract. The first
// violation ends the run.
//
// Thread-safety: not thread-safe; a run is single-threaded (runs may proceed in parallel).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ha/raft/sim/nemesis.h"
#include "ha/raft/sim/node_directory.h"
#include "ha/raft/sim/sim_clients.h"
#include "ha/raft/sim/sim_node.h"
#include "ha/raft/sim/sim_world.h"

namespace ozone::raft::sim {

struct RunStats {
  SimTime virtual_time = 0;
  uint64_t steps = 0;
  size_t leaders = 0;  // terms that had a leader
  LogIndex committed;
  ClientStats clients;
  NemesisStats nemesis;
  NetworkStats network;
  size_t history_operations = 0;
  size_t linearizability_configurations = 0;
};

class SimCluster : public NodeDirectory {
 public:
  explicit SimCluster(const SimOptions& options);
  ~SimCluster() override;

  // Runs the three phases. OK, or the first violation (invariant, LogStore contract, failure to
  // converge, lost acknowledged write, non-linearizable history), with a description.
  Status Run();

  SimTrace& trace() { return world_.trace; }
  RunStats stats() const;

  // NodeDirectory.
  SimNode* FindNode(const PeerId& id) override;
  const std::vector<PeerId>& node_ids() const override { return ids_; }

 private:
  // Runs the earliest event. Returns false if nothing is left to run.
  bool Step();
  void CheckInvariants();
  // With a connection transport, a lost message breaks the connection: both ends learn it.
  void OnLoss(const PeerId& from, const PeerId& to);
  // The live, ready leader of the highest term, or null.
  SimNode* ReadyLeader();
  bool Converged(std::string* why);
  Status FinalChecks();
  std::string DescribeServers() const;

  SimWorld world_;
  std::unique_ptr<SimClients> clients_;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::vector<PeerId> ids_;
  std::unique_ptr<Nemesis> nemesis_;
  std::vector<NodeView> views_;  // reused between steps
  uint64_t steps_ = 0;
  size_t history_operations_ = 0;
  size_t linearizability_configurations_ = 0;
};

}  // namespace ozone::raft::sim
