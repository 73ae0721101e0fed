// Running simulation seeds: one seed, a range of seeds (optionally on several threads), and the
// report of a failed seed (its failure, the tail of its trace, how to replay it).
//
// A seed determines a run completely (SimOptions come from OptionsForSeed), so a failing seed is
// replayed by running it again, with tracing on to see what happened.
//
// Thread-safety: RunSeed may be called from several threads at once (runs share nothing).
// PrepareProcess must be called once, before any run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "ha/raft/sim/sim_cluster.h"

namespace ozone::raft::sim {

// Settings that override what a seed draws (to focus a sweep).
struct SeedOverrides {
  // Connection (true) or datagram (false) transport: SimOptions::connection_transport.
  std::optional<bool> connection_transport;
  // Bootstrap with a configuration entry (true) or the snapshot at index 0 (false):
  // SimOptions::bootstrap_with_entry.
  std::optional<bool> bootstrap_with_entry;
  // SimOptions::sabotage (to see a checker catch it).
  std::optional<Sabotage> sabotage;

  // The command-line flags that reproduce these overrides ("" if none).
  std::string Flags() const;
};

// The options of seed `seed` with `nodes` voters, after `overrides`.
SimOptions OptionsFor(uint64_t seed, int nodes, const SeedOverrides& overrides);

struct SeedResult {
  uint64_t seed = 0;
  int nodes = 3;
  SeedOverrides overrides;
  Status status;
  RunStats stats;
};

// Runs seed `seed` with `nodes` founding voters. With `trace` set, every event of the run is
// written to it.
SeedResult RunSeed(uint64_t seed, int nodes, std::ostream* trace = nullptr,
                   const SeedOverrides& overrides = {});

// Runs a failed seed again with tracing on; returns its failure, the last `tail_lines` lines of
// its trace and the commands that replay it.
std::string FailureReport(const SeedResult& failed, size_t tail_lines = 150);

// How to replay a seed (the test's environment variables and the standalone binary).
std::string ReplayHint(uint64_t seed, int nodes, const SeedOverrides& overrides = {});

struct SweepSummary {
  uint64_t runs = 0;
  std::vector<SeedResult> failures;
  uint64_t liveness_failures = 0;  // of failures: no convergence after healing
  double wall_seconds = 0;
  // Totals over all runs.
  uint64_t steps = 0;
  double virtual_seconds = 0;
  uint64_t leaders = 0;
  uint64_t committed = 0;
  uint64_t crashes = 0;
  uint64_t pauses = 0;
  uint64_t partitions = 0;
  uint64_t membership_changes = 0;
  uint64_t transfers = 0;
  uint64_t snapshots = 0;
  uint64_t decommissions = 0;
  uint64_t messages = 0;
  uint64_t dropped = 0;
  uint64_t duplicated = 0;
  uint64_t ops_ok = 0;
  uint64_t ops_unknown = 0;
  uint64_t history_operations = 0;

  std::string ToString() const;
};

// Runs seeds [first, last], seed s with nodes[s % nodes.size()] founding voters, on `jobs`
// threads. Stops early after `max_failures` failures. `on_result` (may be empty) sees every
// result, under a lock.
SweepSummary RunSeeds(uint64_t first, uint64_t last, const std::vector<int>& nodes, int jobs,
                      size_t max_failures, const SeedOverrides& overrides = {},
                      const std::function<void(const SeedResult&)>& on_result = {});

// Quiets the core's logging (errors only; everything with `verbose`) and makes an abort inside a
// run (the core aborts on a broken internal invariant) print the seed being run and how to
// replay it.
void PrepareProcess(bool verbose);

}  // namespace ozone::raft::sim
