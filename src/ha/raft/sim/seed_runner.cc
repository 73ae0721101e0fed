#include "ha/raft/sim/seed_runner.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

namespace ozone::raft::sim {

namespace {

// What an abort inside a run prints (formatted before the run; read by the signal handler).
thread_local char abort_note[512];

void OnAbort(int) {
  const size_t n = strnlen(abort_note, sizeof(abort_note));
  if (n > 0) {
    ssize_t ignored = write(STDERR_FILENO, abort_note, n);
    (void)ignored;
  }
  std::signal(SIGABRT, SIG_DFL);
  std::raise(SIGABRT);
}

}  // namespace

std::string SeedOverrides::Flags() const {
  std::string flags;
  if (connection_transport) {
    flags += *connection_transport ? " --transport=connection" : " --transport=datagram";
  }
  if (bootstrap_with_entry) {
    flags += *bootstrap_with_entry ? " --bootstrap=entry" : " --bootstrap=snapshot";
  }
  if (sabotage) flags += fmt::format(" --sabotage={}", static_cast<int>(*sabotage));
  return flags;
}

SimOptions OptionsFor(uint64_t seed, int nodes, const SeedOverrides& overrides) {
  SimOptions options = OptionsForSeed(seed, nodes);
  if (overrides.connection_transport) {
    options.connection_transport = *overrides.connection_transport;
  }
  if (overrides.bootstrap_with_entry) {
    options.bootstrap_with_entry = *overrides.bootstrap_with_entry;
  }
  if (overrides.sabotage) options.sabotage = *overrides.sabotage;
  return options;
}

std::string ReplayHint(uint64_t seed, int nodes, const SeedOverrides& overrides) {
  std::string env;
  if (overrides.connection_transport) {
    env += *overrides.connection_transport ? " RAFT_SIM_TRANSPORT=connection"
                                           : " RAFT_SIM_TRANSPORT=datagram";
  }
  if (overrides.bootstrap_with_entry) {
    env += *overrides.bootstrap_with_entry ? " RAFT_SIM_BOOTSTRAP=entry"
                                           : " RAFT_SIM_BOOTSTRAP=snapshot";
  }
  if (overrides.sabotage)
    env += fmt::format(" RAFT_SIM_SABOTAGE={}", static_cast<int>(*overrides.sabotage));
  return fmt::format(
      "replay: RAFT_SIM_SEED={0} RAFT_SIM_NODES={1}{2} RAFT_SIM_VERBOSE=1 "
      "build/src/ha/raft/sim/raft_sim_test\n"
      "    or: build/src/ha/raft/sim/raft_sim --seeds={0} --nodes={1}{3} --verbose",
      seed, nodes, env, overrides.Flags());
}

SeedResult RunSeed(uint64_t seed, int nodes, std::ostream* trace, const SeedOverrides& overrides) {
  snprintf(abort_note, sizeof(abort_note),
           "\nraft_sim: the process aborted while running seed %llu with %d nodes\n"
           "  replay: RAFT_SIM_SEED=%llu RAFT_SIM_NODES=%d RAFT_SIM_VERBOSE=1 "
           "build/src/ha/raft/sim/raft_sim_test\n",
           static_cast<unsigned long long>(seed), nodes, static_cast<unsigned long long>(seed),
           nodes);
  SimCluster cluster(OptionsFor(seed, nodes, overrides));
  if (trace != nullptr) cluster.trace().Enable(trace, 0);
  SeedResult result;
  result.seed = seed;
  result.nodes = nodes;
  result.overrides = overrides;
  result.status = cluster.Run();
  result.stats = cluster.stats();
  abort_note[0] = '\0';
  return result;
}

std::string FailureReport(const SeedResult& failed, size_t tail_lines) {
  SimCluster cluster(OptionsFor(failed.seed, failed.nodes, failed.overrides));
  // The whole trace is kept: a linearizability failure needs the lines of one operation.
  cluster.trace().Enable(nullptr, std::numeric_limits<size_t>::max());
  Status again = cluster.Run();
  std::string out = fmt::format("seed {} with {} nodes FAILED: {}\n", failed.seed, failed.nodes,
                                failed.status.ToString());
  if (!(again == failed.status)) {
    out +=
        fmt::format("  (NOT DETERMINISTIC: the traced replay ended with {})\n", again.ToString());
  }
  const std::deque<std::string>& trace = cluster.trace().tail();
  std::smatch op;
  const std::string& message = failed.status.message();
  if (std::regex_search(message, op, std::regex("cannot follow it: op ([0-9]+) "))) {
    const std::regex mentions("op " + op[1].str() + "[ :)]");
    out += fmt::format("trace lines of op {}:\n", op[1].str());
    for (const std::string& line : trace) {
      if (std::regex_search(line, mentions)) out += "  " + line + "\n";
    }
  }
  const size_t shown = std::min(tail_lines, trace.size());
  out += fmt::format("last {} trace lines:\n", shown);
  for (size_t i = trace.size() - shown; i < trace.size(); ++i) out += "  " + trace[i] + "\n";
  out += ReplayHint(failed.seed, failed.nodes, failed.overrides) + "\n";
  return out;
}

std::string SweepSummary::ToString() const {
  const double rate = wall_seconds > 0 ? static_cast<double>(runs) / wall_seconds : 0;
  return fmt::format(
      "{} seeds, {} failed ({} liveness), in {:.1f}s ({:.0f} seeds/s); {} steps, {:.0f}s "
      "simulated; "
      "{} elections won, {} entries committed; faults: {} crashes, {} pauses, {} partitions, "
      "{} membership changes ({} servers decommissioned), {} leadership transfers, "
      "{} forced snapshots; network: {} messages, {} dropped, {} duplicated; clients: {} ops "
      "answered, {} unknown outcomes, {} operations checked for linearizability",
      runs, failures.size(), liveness_failures, wall_seconds, rate, steps, virtual_seconds, leaders,
      committed, crashes, pauses, partitions, membership_changes, decommissions, transfers,
      snapshots, messages, dropped, duplicated, ops_ok, ops_unknown, history_operations);
}

SweepSummary RunSeeds(uint64_t first, uint64_t last, const std::vector<int>& nodes, int jobs,
                      size_t max_failures, const SeedOverrides& overrides,
                      const std::function<void(const SeedResult&)>& on_result) {
  SweepSummary summary;
  std::mutex mu;
  std::atomic<uint64_t> next{first};
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  auto worker = [&] {
    while (!stop.load()) {
      const uint64_t seed = next.fetch_add(1);
      if (seed > last || seed < first) break;
      SeedResult r = RunSeed(seed, nodes[seed % nodes.size()], nullptr, overrides);
      std::lock_guard<std::mutex> lock(mu);
      ++summary.runs;
      const RunStats& s = r.stats;
      summary.steps += s.steps;
      summary.virtual_seconds += static_cast<double>(s.virtual_time) / kSecond;
      summary.leaders += s.leaders;
      summary.committed += s.committed.value();
      summary.crashes += s.nemesis.crashes;
      summary.pauses += s.nemesis.pauses;
      summary.partitions += s.nemesis.partitions;
      summary.membership_changes += s.nemesis.membership_changes;
      summary.transfers += s.nemesis.transfers;
      summary.snapshots += s.nemesis.snapshots;
      summary.decommissions += s.nemesis.decommissions;
      summary.messages += s.network.sent;
      summary.dropped += s.network.dropped;
      summary.duplicated += s.network.duplicated;
      summary.ops_ok += s.clients.ok;
      summary.ops_unknown += s.clients.unknown;
      summary.history_operations += s.history_operations;
      if (on_result) on_result(r);
      if (!r.status.ok()) {
        if (r.status.message().rfind("liveness", 0) == 0) ++summary.liveness_failures;
        summary.failures.push_back(std::move(r));
        if (summary.failures.size() >= max_failures) stop = true;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

void PrepareProcess(bool verbose) {
  spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::critical);
  std::signal(SIGABRT, OnAbort);
}

}  // namespace ozone::raft::sim
