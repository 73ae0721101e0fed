// SimWorld: the services one simulation run shares between its servers, clients and nemesis:
// the virtual clock, the timer queue, the network, the run's randomness, the checkers, the
// snapshot registry, the trace, and the first failure seen.
//
// Thread-safety: not thread-safe; a run is single-threaded.
#pragma once

#include <functional>

#include "common/status.h"
#include "ha/raft/sim/event_queue.h"
#include "ha/raft/sim/invariant_checker.h"
#include "ha/raft/sim/sim_network.h"
#include "ha/raft/sim/sim_options.h"
#include "ha/raft/sim/sim_random.h"
#include "ha/raft/sim/sim_time.h"
#include "ha/raft/sim/sim_trace.h"
#include "ha/raft/sim/snapshot_registry.h"

namespace ozone::raft::sim {

struct SimWorld {
  explicit SimWorld(const SimOptions& opts)
      : options(opts), random(opts.seed), network(random.Fork()), trace(&now) {}

  // Runs `action` `delay` from now.
  void After(SimDuration delay, EventQueue::Action action) {
    events.At(now + delay, std::move(action));
  }
  // Records the first failure; the run stops after the current step.
  void Fail(Status status) {
    if (failure.ok() && !status.ok()) {
      SIM_TRACE(trace, "FAILURE {}", status.ToString());
      failure = std::move(status);
    }
  }
  bool failed() const { return !failure.ok(); }
  // A message from `from` to `to` was lost (dropped, or its link was down).
  void OnLoss(const PeerId& from, const PeerId& to) {
    if (on_loss) on_loss(from, to);
  }

  const SimOptions options;
  SimTime now = 0;
  SimRandom random;
  EventQueue events;
  SimNetwork network;
  InvariantChecker checker;
  SnapshotRegistry snapshots;
  SimTrace trace;
  Status failure;
  std::function<void(const PeerId& from, const PeerId& to)> on_loss;  // set by the cluster
};

}  // namespace ozone::raft::sim
