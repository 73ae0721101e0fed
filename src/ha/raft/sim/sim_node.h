// SimNode: one simulated server: a RaftCore driven exactly as raft_core.h prescribes, over a
// SimLogStore (the disk), the KV state machine, a skewed tick clock and the simulated network.
//
// The driving loop after every input: while the core HasReady(), take the Ready and
//   - send its messages at once (a message the network refuses is reported unreachable);
//   - write its hard state (durable at once) and entries (to the page cache) and queue a log
//     sync; a sync takes a random disk latency, covers every write before it completes (group
//     commit), then OnPersisted(id of the last Ready it covers);
//   - apply its committed entries to the state machine, then OnApplied;
//   - serve its read states once applied >= their index, fail reads the core gives up on;
//   - start fetching the snapshot to install from the registry (out of band, a random delay,
//     possibly failing and retried), then ResetToSnapshot + restore + OnSnapshotInstalled.
// Every write, apply and durable hard state is reported to the InvariantChecker.
//
// The state machine lives in memory and is made durable now and then (a flush) and whenever a
// snapshot is taken or installed; a restart resumes from the durable copy, telling the core its
// applied index. Crash() is power loss: the core, the unsynced writes and everything in flight
// (syncs, fetches, client requests) are gone.
//
// Thread-safety: not thread-safe; the simulation is single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "ha/raft/core/raft_core.h"
#include "ha/raft/sim/client_sink.h"
#include "ha/raft/sim/invariant_checker.h"
#include "ha/raft/sim/kv_state_machine.h"
#include "ha/raft/sim/sim_log_store.h"
#include "ha/raft/sim/sim_world.h"

namespace ozone::raft::sim {

class SimNode {
 public:
  SimNode(PeerId id, SimWorld* world, ClientSink* clients);
  SimNode(const SimNode&) = delete;
  SimNode& operator=(const SimNode&) = delete;

  // Makes this server a founding member of `config`: as a configuration entry at index 1 of
  // term 1, or as the configuration of the empty snapshot at index 0. REQUIRES: never started.
  void Bootstrap(const Configuration& config, bool as_entry);

  const PeerId& id() const { return id_; }
  bool alive() const { return core_ != nullptr; }
  // The protocol core; null while the server is down.
  RaftCore* core() { return core_.get(); }
  const RaftCore* core() const { return core_.get(); }
  const SimLogStore& store() const { return *store_; }
  const KvStateMachine& kv() const { return kv_; }
  bool installing() const { return install_wanted_.has_value(); }
  // Writes are waiting for a log sync: a crash now loses them.
  bool has_unsynced_writes() const { return store_->unsynced_appends() > 0; }
  // The server has never run or was wiped, and is down.
  bool blank() const { return blank_ && !alive(); }

  // --- Lifecycle ----------------------------------------------------------------------------
  // Starts (or restarts) from what the disk holds. REQUIRES: !alive().
  void Start();
  // Power loss. REQUIRES: alive().
  void Crash();
  // Stops the process for `duration` (a long GC or VM stall): messages, timers, disk
  // completions and client requests wait until it resumes. REQUIRES: alive().
  void Pause(SimDuration duration);
  bool paused() const { return alive() && world_->now < paused_until_; }
  SimTime paused_until() const { return paused_until_; }
  // Erases the disk: the server comes back as a new one. REQUIRES: !alive().
  void Wipe();

  // --- Inputs (each followed by the Ready loop) ---------------------------------------------
  void Receive(Message message);
  // The transport could not deliver to `peer`.
  void ReportUnreachable(const PeerId& peer);
  // Proposes a client write; the outcome comes through ClientSink::OnWriteResult.
  Result<LogIndex> ProposeWrite(const KvCommand& command);
  // Starts a linearizable read; the outcome comes through ClientSink::OnReadResult.
  Status Read(uint64_t op_id, uint32_t key);
  Result<LogIndex> ChangeMembership(const ConfigChange& change);
  Status TransferLeadership(std::optional<PeerId> target);
  // Snapshots the state machine at its applied index and purges the log up to a little before.
  void TakeSnapshot();

  // What the invariant checker sees. REQUIRES: the view is used before the next step.
  NodeView View() const;
  // Updates `view` (made by View() for this server) to the server's current state.
  void RefreshView(NodeView* view) const;

 private:
  void ScheduleTick();
  void OnTick(uint64_t incarnation);
  void RunReadyLoop();
  void HandleReady(Ready ready);
  void Persist(const Ready& ready);
  void StartSync();
  void FinishSync(uint64_t incarnation, uint64_t ready_id);
  void Apply(const std::vector<Entry>& committed);
  void ServeReads();
  void HandleEvents(const std::vector<Event>& events);
  void RequestInstall(const SnapshotMeta& meta);
  void StartFetch();
  void FinishFetch(uint64_t incarnation, const SnapshotMeta& meta);
  void ForgetClientRequests();
  // While paused, queues `input` to run on resume and returns true.
  bool DeferWhilePaused(std::function<void()> input);
  void Resume(uint64_t incarnation);
  void Fail(Status status);

  const PeerId id_;
  SimWorld* const world_;
  ClientSink* const clients_;
  const SimDuration tick_period_;  // this server's clock rate (skew)

  std::unique_ptr<SimLogStore> store_;
  std::unique_ptr<RaftCore> core_;
  KvStateMachine kv_;
  KvState durable_kv_;  // the state machine as a restart finds it
  uint64_t incarnation_ = 0;
  bool blank_ = true;
  SimTime paused_until_ = 0;
  std::vector<std::function<void()>> deferred_;  // inputs that arrived while paused

  // Disk: Readies written but not yet covered by a sync, and whether a sync is running.
  std::vector<uint64_t> unsynced_readies_;
  bool sync_in_flight_ = false;

  // Snapshot install: the latest snapshot the core asked for, and whether a fetch is running.
  std::optional<SnapshotMeta> install_wanted_;
  bool fetch_in_flight_ = false;

  // Client requests this server accepted.
  struct PendingRead {
    uint64_t op_id;
    uint32_t key;
  };
  std::map<LogIndex, uint64_t> pending_writes_;         // proposal index -> op id
  std::map<uint64_t, PendingRead> pending_reads_;       // ReadIndex request id -> read
  std::multimap<LogIndex, PendingRead> waiting_reads_;  // read index -> read, until applied
  uint64_t next_read_request_ = 1;
};

}  // namespace ozone::raft::sim
