// SimulatedDatanode: a datanode as SCM sees it, without disks or a write path, so that SCM can be
// tested before the real datanode exists. It behaves like Ozone's datanode towards SCMs:
//   - one endpoint per SCM of the configuration (Ozone's EndpointStateMachine): it registers with
//     and heartbeats to EVERY SCM, each on its own thread; a reregister command (or an SCM that
//     forgot it) makes that endpoint register again;
//   - heartbeats carry a node report, the pipeline report, a full container report every
//     `full_report_every` heartbeats (and with the registration), incremental container reports
//     of what changed since, and command status reports (deleted-block acknowledgements);
//   - it obeys commands, but only current ones: each command carries the term of the SCM leader
//     that issued it; a command whose term is below the highest term seen is dropped with Ozone's
//     warning "Detect and drop a SCMCommand ... from stale leader SCM, stale term X, latest term
//     Y" (StateContext); a leader's heartbeat answer raises the highest term too;
//   - commands change its in-memory state: create/close pipeline, close container (the replica
//     becomes CLOSED, created if missing), delete blocks (acknowledged as executed), replicate a
//     container (a CLOSED replica appears), delete a container (the replica goes, reported as
//     DELETED).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hdds.pb.h"
#include "scm.pb.h"

namespace ozone::dnsim {

struct SimulatedDatanodeOptions {
  std::string uuid;
  std::string hostname;
  std::string ip_address = "127.0.0.1";
  // The datanode protocol address ("host:port") of every SCM.
  std::vector<std::string> scm_addresses;
  // Default: 500 ms (Ozone: hdds.heartbeat.interval, 30 s).
  std::chrono::milliseconds heartbeat_interval{500};
  // A full container report every this many heartbeats. Default: 10.
  int full_report_every = 10;
  // Reported storage. Default: 100 GiB capacity, nothing used.
  uint64_t capacity = uint64_t{100} << 30;
};

struct SimulatedReplica {
  scm::ContainerReplicaState state = scm::REPLICA_OPEN;
  uint64_t used = 0;
  uint64_t key_count = 0;
  int64_t bcsid = 0;
};

class SimulatedDatanode {
 public:
  explicit SimulatedDatanode(SimulatedDatanodeOptions options);
  ~SimulatedDatanode();
  SimulatedDatanode(const SimulatedDatanode&) = delete;
  SimulatedDatanode& operator=(const SimulatedDatanode&) = delete;

  // Starts the endpoints (one thread per SCM). Idempotent.
  void Start();
  // Stops them (waits for calls in flight). Idempotent.
  void Stop();

  const std::string& uuid() const { return options_.uuid; }
  hdds::DatanodeDetailsProto details() const;

  // --- state, for tests ---
  std::map<int64_t, SimulatedReplica> containers() const;
  std::set<std::string> pipelines() const;  // pipeline UUIDs
  // Transactions of deleted blocks this datanode executed.
  std::set<int64_t> deleted_transactions() const;
  int64_t highest_term() const;
  uint64_t commands_executed() const { return executed_.load(); }
  uint64_t commands_dropped() const { return dropped_.load(); }
  // SCM endpoints registered now.
  size_t registered_endpoints() const;
  // Heartbeats answered, per SCM address.
  std::map<std::string, uint64_t> heartbeats() const;

  // Creates or changes a replica, as writes by clients would (reported incrementally).
  void SetReplica(int64_t container_id, const SimulatedReplica& replica);

  // Applies one command as if an SCM had sent it (the term rule included). Returns whether it
  // was executed (false: dropped as stale).
  bool HandleCommand(const scm::SCMCommandProto& command);

 private:
  struct Endpoint;

  void RunEndpoint(Endpoint* endpoint);
  // One registration or heartbeat round of `endpoint`. False when the SCM was unreachable.
  bool RegisterWith(Endpoint* endpoint);
  bool HeartbeatTo(Endpoint* endpoint);
  // Records a replica change for the incremental reports of every endpoint. REQUIRES: mu_ held.
  void ReportLocked(int64_t container_id, const SimulatedReplica& replica, bool deleted);
  scm::ContainerReportsProto FullReportLocked() const;     // REQUIRES: mu_ held
  scm::PipelineReportsProto PipelineReportLocked() const;  // REQUIRES: mu_ held
  scm::NodeReportProto NodeReport() const;
  void RaiseTermLocked(int64_t term);  // REQUIRES: mu_ held

  const SimulatedDatanodeOptions options_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;

  mutable std::mutex mu_;
  std::map<int64_t, SimulatedReplica> containers_;  // guarded by mu_
  std::map<std::string, bool> pipelines_;           // uuid -> this datanode leads; guarded by mu_
  std::set<int64_t> deleted_txs_;                   // guarded by mu_
  int64_t highest_term_ = 0;                        // guarded by mu_

  std::atomic<uint64_t> executed_{0};
  std::atomic<uint64_t> dropped_{0};

  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool running_ = false;   // guarded by run_mu_
  bool stopping_ = false;  // guarded by run_mu_
};

}  // namespace ozone::dnsim
