// Load for benchmarks of the Raft engine, submitted the way a server would: from a non-Raft
// thread, keeping `inflight` proposals outstanding, measuring each from just before Propose to
// its completion (committed on a majority and applied here). Also the failover probe: one 104 B
// proposal at a time whenever this server is the ready leader, each completion a CSV row
// (wall_ns,ok,endpoint,latency_us,code) in the format of ../shared/peers/failover_analyze.py.
//
// Thread-safety: RunLoad blocks its caller; Probe runs on its own thread until stopped.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "common/result.h"
#include "ha/raft/server/raft_server.h"

namespace ozone::raft {

struct LoadSpec {
  std::string label;         // e.g. "ozone-raft-104B-if64#1"
  int inflight = 1;          // outstanding proposals
  size_t entry_bytes = 104;  // bytes of each entry's payload
  std::chrono::milliseconds duration{5000};
  int nodes = 3;  // for the RESULT line
};

// Runs the load on `server` (the leader) and returns the RESULT line:
//   RESULT [label] mode=apply nodes=3 inflight=64 entry_bytes=104 ok=N errors=N elapsed_s=S
//   qps=Q lat_ms avg=A p50=B p90=C p99=D max=E
Result<std::string> RunLoad(RaftServer& server, const LoadSpec& spec);

class FailoverProbe {
 public:
  // Appends rows to `csv_path` (header written if the file is new); `endpoint` identifies this
  // server in the rows.
  FailoverProbe(RaftServer* server, std::string csv_path, int endpoint);
  ~FailoverProbe();
  void Stop();

 private:
  void Run();
  RaftServer* server_;
  std::string csv_path_;
  int endpoint_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ozone::raft
