// raft_sim: runs the deterministic Raft simulation over a range of seeds, for long runs and for
// replaying one seed.
//
//   raft_sim --seeds=1..100000 --nodes=3,5 --jobs=2    # seed s runs with nodes[s % 2] voters
//   raft_sim --seeds=4242 --nodes=5 --verbose          # replay one seed, printing every event
//
// Exits 0 if every seed passed, 1 if one failed (each failure is reported with the tail of its
// trace and how to replay it), 2 on a usage error.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "ha/raft/sim/seed_runner.h"

namespace {

int Usage(const std::string& error) {
  std::cerr << "raft_sim: " << error << "\n"
            << "usage: raft_sim [--seeds=A..B | --seeds=N] [--nodes=3|5|3,5] [--jobs=N]\n"
            << "                [--transport=connection|datagram] [--bootstrap=entry|snapshot]\n"
            << "                [--sabotage=1|2|3] [--max-failures=N] [--verbose]\n"
            << "                [--progress]\n";
  return 2;
}

bool ParseUint(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtoull(s.c_str(), &end, 10);
  return end != nullptr && *end == '\0';
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t first = 1, last = 1000;
  std::vector<int> nodes{3, 5};
  uint64_t jobs = 1, max_failures = 5;
  bool verbose = false, progress = false;
  ozone::raft::sim::SeedOverrides overrides;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> std::string {
      const std::string prefix = std::string(name) + "=";
      return arg.rfind(prefix, 0) == 0 ? arg.substr(prefix.size()) : std::string("\x01");
    };
    if (std::string v = value("--seeds"); v != "\x01") {
      const size_t dots = v.find("..");
      if (dots == std::string::npos) {
        if (!ParseUint(v, &first)) return Usage("bad --seeds: " + v);
        last = first;
      } else if (!ParseUint(v.substr(0, dots), &first) || !ParseUint(v.substr(dots + 2), &last) ||
                 first > last) {
        return Usage("bad --seeds: " + v);
      }
    } else if (std::string v = value("--nodes"); v != "\x01") {
      nodes.clear();
      size_t pos = 0;
      while (pos <= v.size()) {
        const size_t comma = std::min(v.find(',', pos), v.size());
        uint64_t n = 0;
        if (!ParseUint(v.substr(pos, comma - pos), &n) || (n != 3 && n != 5)) {
          return Usage("bad --nodes (3, 5 or 3,5): " + v);
        }
        nodes.push_back(static_cast<int>(n));
        pos = comma + 1;
      }
    } else if (std::string v = value("--jobs"); v != "\x01") {
      if (!ParseUint(v, &jobs) || jobs == 0) return Usage("bad --jobs: " + v);
    } else if (std::string v = value("--max-failures"); v != "\x01") {
      if (!ParseUint(v, &max_failures) || max_failures == 0)
        return Usage("bad --max-failures: " + v);
    } else if (std::string v = value("--transport"); v != "\x01") {
      if (v != "connection" && v != "datagram") return Usage("bad --transport: " + v);
      overrides.connection_transport = v == "connection";
    } else if (std::string v = value("--bootstrap"); v != "\x01") {
      if (v != "entry" && v != "snapshot") return Usage("bad --bootstrap: " + v);
      overrides.bootstrap_with_entry = v == "entry";
    } else if (std::string v = value("--sabotage"); v != "\x01") {
      uint64_t k = 0;
      if (!ParseUint(v, &k) || k > 3) return Usage("bad --sabotage (1, 2 or 3): " + v);
      overrides.sabotage = static_cast<ozone::raft::sim::Sabotage>(k);
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--progress") {
      progress = true;
    } else {
      return Usage("unknown argument " + arg);
    }
  }
  using ozone::raft::sim::SeedResult;
  ozone::raft::sim::PrepareProcess(verbose);

  if (verbose) {
    // Replay: one run at a time, every event printed.
    bool failed = false;
    for (uint64_t seed = first; seed <= last; ++seed) {
      const int n = nodes[seed % nodes.size()];
      SeedResult r = ozone::raft::sim::RunSeed(seed, n, &std::cout, overrides);
      std::cout << fmt::format("seed {} with {} nodes: {}\n", seed, n, r.status.ToString());
      failed |= !r.status.ok();
    }
    return failed ? 1 : 0;
  }

  uint64_t done = 0;
  const uint64_t total = last - first + 1;
  auto summary = ozone::raft::sim::RunSeeds(
      first, last, nodes, static_cast<int>(jobs), max_failures, overrides,
      [&](const SeedResult& r) {
        ++done;
        if (!r.status.ok()) {
          std::cerr << fmt::format("seed {} with {} nodes FAILED: {}\n{}\n", r.seed, r.nodes,
                                   r.status.ToString(),
                                   ozone::raft::sim::ReplayHint(r.seed, r.nodes, r.overrides));
        }
        if (progress && done % 1000 == 0) {
          std::cerr << fmt::format("raft_sim: {}/{} seeds\n", done, total);
        }
      });
  for (const SeedResult& f : summary.failures) {
    std::cerr << ozone::raft::sim::FailureReport(f) << "\n";
  }
  std::cout << "raft_sim: " << summary.ToString() << "\n";
  return summary.failures.empty() ? 0 : 1;
}
