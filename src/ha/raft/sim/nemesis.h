// Nemesis: the faults and administrative actions of a simulation run, drawn from its seed.
//
// Until Stop(), at random intervals (SimOptions::faults), it does one of: crash a server (power
// loss; it restarts after a random downtime), pause a server (a stalled process), partition the
// network (isolate a server, split it in two, or cut random one-way links), heal it, change how
// lossy and slow it is, change the membership through the leader (add a learner, promote it, remove
// a server - the leader included), transfer leadership, or make a server take a snapshot. A removed
// server is decommissioned (stopped and wiped, to be added again later as a new one) only once its
// removal is committed, so the simulation never destroys state a configuration still counts on.
//
// Thread-safety: not thread-safe; the simulation is single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "ha/raft/sim/sim_node.h"
#include "ha/raft/sim/sim_world.h"

namespace ozone::raft::sim {

struct NemesisStats {
  uint64_t crashes = 0;
  uint64_t pauses = 0;
  uint64_t partitions = 0;
  uint64_t membership_changes = 0;  // accepted by a leader
  uint64_t transfers = 0;
  uint64_t snapshots = 0;
  uint64_t decommissions = 0;
};

class Nemesis {
 public:
  // `nodes` are the run's servers; `founding` the initial configuration, added at `bootstrap`
  // (the index of its configuration entry, 0 if none).
  Nemesis(SimWorld* world, std::vector<std::unique_ptr<SimNode>>* nodes,
          const Configuration& founding, LogIndex bootstrap);

  // Starts acting; the last action happens before `until`.
  void Start(SimTime until);
  // No more faults: heals and calms the network, decommissions removed servers it safely can,
  // and restarts every other server that is down.
  void Stop();
  // Stops and wipes removed servers whose removal is committed (also done while acting).
  void DecommissionRemoved();

  const NemesisStats& stats() const { return stats_; }

 private:
  void ScheduleNext();
  void Act();
  void Crash();
  void Partition();
  void ChangeNetwork();
  void ChangeMembership();
  void Transfer();
  void Snapshot();
  void Pause();
  // The live leader of the highest term, or null.
  SimNode* Leader();
  std::vector<SimNode*> Alive();
  std::vector<PeerId> AllIds() const;

  SimWorld* const world_;
  std::vector<std::unique_ptr<SimNode>>* const nodes_;
  SimTime until_ = 0;
  bool stopped_ = false;
  // Per server, the index of the configuration entry that last added it (see
  // DecommissionRemoved); absent for servers never added.
  std::map<PeerId, LogIndex> added_at_;
  NemesisStats stats_;
};

}  // namespace ozone::raft::sim
