// StateMachine: what a Raft group replicates (SCM's and OM's metadata; a KV map in tests and
// benchmarks). The RaftServer applies committed entries to it in log order, one at a time, on its
// apply strand, and tells it about leadership.
//
// Contract:
//   - Apply is deterministic: the same entries in the same order give the same state and results
//     on every replica (no clock, randomness or I/O to other services inside; DESIGN.md §5).
//     It is called for every entry, kNoop and kConfig included, so the state machine can record
//     the applied (term, index) with its state (Ozone's #TRANSACTIONINFO); those entries are
//     where Ozone's notifyTermIndexUpdated would fire.
//   - A non-OK status from Apply means the replica cannot go on (a local I/O error): the server
//     stops rather than skip the entry.
//   - TakeSnapshot makes the state durable through at least the last applied index and says
//     which index it covers; the server may then purge the log before it.
//   - InstallSnapshot replaces the state with the leader's snapshot `meta` (fetched out of band
//     from `leader`, e.g. a RocksDB checkpoint over gRPC) and returns once it is durable.
//
// Thread-safety: Apply, TakeSnapshot, InstallSnapshot and the notifications are called from the
// group's apply strand, never concurrently.
#pragma once

#include <string>

#include "common/result.h"
#include "ha/raft/core/raft_core.h"
#include "ha/raft/types.h"

namespace ozone::raft {

class StateMachine {
 public:
  virtual ~StateMachine() = default;

  // The index the durable state covers, at start (entries after it are applied again).
  virtual LogIndex LastAppliedIndex() const = 0;
  // Applies a committed entry; the result goes back to whoever proposed it (if this server did).
  virtual Result<std::string> Apply(const Entry& entry) = 0;
  // Called on the apply strand before each run of Apply calls: what the run answers may be held
  // until OnAppliedBatch, which always follows (also when an Apply failed).
  virtual void OnApplyingBatch() {}
  // Called after each run of Apply calls, once their results went to the proposers (whose
  // callbacks answer clients): work the applies leave for later may start now rather than take
  // the CPU from those answers.
  virtual void OnAppliedBatch() {}
  // Makes the state durable; returns the index it covers.
  virtual Result<LogIndex> TakeSnapshot() = 0;
  // Replaces the state with the leader's snapshot.
  virtual Status InstallSnapshot(const SnapshotMeta& meta, const PeerInfo& leader) = 0;

  // Leadership notifications, in order with the applied entries.
  virtual void OnEvent(const Event& event) { (void)event; }
};

}  // namespace ozone::raft
