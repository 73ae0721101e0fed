// SimClients: the clients of the simulated key-value service and the history they record.
//
// Each client runs one operation at a time, over a few keys: put(key, unique value), get(key)
// (a linearizable read through ReadIndex) or compare-and-set. A request goes to the server the
// client believes leads (after a random network latency); a refusal (not the leader, busy, down)
// is retried at the leader it names or at a random server, until the operation times out. A write
// is answered when the server that accepted it applies it; if another entry lands at its index
// it never took effect and is retried. A write whose fate is lost (timeout, crash, snapshot
// install) has an unknown outcome, settled after the fact if some server applied it: it then took
// effect no later than that apply. Reads that fail or time out are dropped: they had no effect.
//
// Thread-safety: not thread-safe; the simulation is single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "ha/raft/sim/client_sink.h"
#include "ha/raft/sim/invariant_checker.h"
#include "ha/raft/sim/linearizability_checker.h"
#include "ha/raft/sim/node_directory.h"
#include "ha/raft/sim/sim_world.h"

namespace ozone::raft::sim {

struct ClientStats {
  uint64_t invoked = 0;
  uint64_t ok = 0;         // answered
  uint64_t unknown = 0;    // gave up on, outcome unknown to the client
  uint64_t no_effect = 0;  // failed before any server accepted it (or its read failed)
  uint64_t attempts = 0;
};

class SimClients : public ClientSink {
 public:
  SimClients(SimWorld* world, NodeDirectory* nodes);

  // Every client starts issuing operations.
  void Start();
  // No new operations from now on; those in progress finish or time out.
  void StopIssuing() { issuing_ = false; }
  // No operation is in progress.
  bool Idle() const;

  // The history of the run, for the linearizability checker.
  std::vector<KvOperation> History() const;
  // Every write a client saw acknowledged is in the applied log `log` (InvariantChecker) at the
  // index where it was applied, and no write reported without effect was applied.
  Status CheckWrites(const std::vector<AppliedEntry>& log) const;
  const ClientStats& stats() const { return stats_; }

  // ClientSink.
  void OnCommandApplied(const PeerId& node, LogIndex index, const KvApplyOutcome& outcome) override;
  void OnWriteResult(const PeerId& node, uint64_t op_id, WriteResult result, bool cas_ok) override;
  void OnReadResult(const PeerId& node, uint64_t op_id, bool ok,
                    std::optional<int64_t> value) override;

 private:
  enum class OpState : uint8_t { kPending, kOk, kUnknown, kNoEffect };
  struct Op {
    uint64_t id = 0;
    int client = 0;
    bool is_read = false;
    KvCommand command;  // writes
    uint32_t key = 0;
    SimTime invoke = 0;
    SimTime returned = 0;
    OpState state = OpState::kPending;
    bool cas_ok = false;
    std::optional<int64_t> read;
    int live_proposals = 0;      // accepted proposals that may still take effect
    bool maybe_applied = false;  // a proposal's fate was lost
    uint64_t attempt = 0;        // the current attempt (answers to older ones are ignored)
  };
  struct Client {
    std::optional<PeerId> leader;           // where to send next
    uint64_t current = 0;                   // the operation in progress, 0 if none
    std::map<uint32_t, int64_t> last_seen;  // per key, for compare-and-set
  };
  struct FirstApply {
    SimTime time;
    LogIndex index;
    bool cas_ok;
  };

  void Issue(int client);
  void Send(uint64_t op_id, PeerId target);
  void Arrive(uint64_t op_id, uint64_t attempt, const PeerId& target);
  void Retry(uint64_t op_id, std::optional<PeerId> hint, SimDuration backoff);
  void Finish(uint64_t op_id, OpState state);
  void TimeOut(uint64_t op_id);
  SimDuration Latency();
  PeerId RandomNode();
  std::optional<PeerId> KnownNode(const std::string& name) const;

  SimWorld* const world_;
  NodeDirectory* const nodes_;
  std::vector<Client> clients_;
  std::map<uint64_t, Op> ops_;
  std::map<uint64_t, FirstApply> applied_;  // op id -> first time any server applied it
  uint64_t next_op_ = 1;
  bool issuing_ = false;
  ClientStats stats_;
};

}  // namespace ozone::raft::sim
