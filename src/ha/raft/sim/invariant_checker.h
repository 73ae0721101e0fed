// InvariantChecker: Raft's safety properties, checked incrementally while a simulation runs.
//
// The driver reports what happens to every server (log writes, applies, durable hard states,
// restarts) and calls CheckStep() after every step with what each server looks like. Checked
// (Raft paper Figure 3 and §5.4, plus the engine's own promises):
//   - election safety: at most one leader per term over the whole run;
//   - leader append-only: a leader never overwrites or removes entries of its log, and appends
//     entries of its own term only; no server overwrites an entry at or below its commit index;
//   - log matching: two entries with the same index and term hold the same command and follow
//     entries of the same term; by induction two logs that share an (index, term) are identical
//     up to it. Checked per written entry, which is equivalent to comparing rolling prefix hashes;
//   - leader completeness: an entry committed in term T is in the log of every leader of a term
//     after T (checked when a server becomes leader, and for every leader when an entry commits);
//   - state machine safety: no two servers apply (or commit) different entries at one index;
//     a state machine applies indexes one by one, never beyond the commit index;
//   - a live server's commit index never goes backwards; the durable term never decreases and
//     the durable vote of a term never changes.
// Every method returns Internal with a description on the first violation it sees.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "ha/raft/log_store.h"
#include "ha/raft/types.h"

namespace ozone::raft::sim {

// What the checker sees of one server after a step.
struct NodeView {
  PeerId id;
  bool alive = true;
  bool leader = false;
  Term term;
  LogIndex commit;                 // the protocol's commit index
  LogIndex applied;                // the state machine's applied index
  LogIndex core_applied;           // what the protocol believes was applied
  const LogReader* log = nullptr;  // every entry written, durable or not
};

// An entry as the state machines applied it: the reference sequence of the run.
struct AppliedEntry {
  Term term;
  EntryType type = EntryType::kNormal;
  Payload data;
  PeerId first_applied_by;
};

class InvariantChecker {
 public:
  // Server `view.id` wrote `entries` (consecutive) to its log. Before the write its log ended at
  // `old_last`, and the entry before entries.front() has term `prev_term`. `view` is the server's
  // role and term when it wrote.
  Status OnAppend(const NodeView& view, LogIndex old_last, Term prev_term,
                  const std::vector<Entry>& entries);
  // Server `node` applied `entry` to its state machine.
  Status OnApply(const PeerId& node, const Entry& entry);
  // Server `node` replaced its state machine with a snapshot through `index` while running.
  Status OnSnapshotInstalled(const PeerId& node, LogIndex index);
  // Server `node` made `state` durable.
  Status OnHardStatePersisted(const PeerId& node, const HardState& state);
  // Server `node` (re)started with its state machine at `applied` (its latest snapshot): its
  // volatile state (commit, applied) starts over.
  void OnRestart(const PeerId& node, LogIndex applied);
  // Server `node`'s storage was erased: it comes back later as a new server.
  void OnWipe(const PeerId& node);

  // Checks every server after a step.
  Status CheckStep(const std::vector<NodeView>& nodes);

  // The entries applied so far, by index (position 0 is index 1); a null payload with term 0
  // marks an index nobody applied yet.
  const std::vector<AppliedEntry>& applied_log() const { return applied_; }
  // The leader of every term seen.
  const std::map<Term, PeerId>& leaders() const { return leaders_; }
  // The highest index known committed.
  LogIndex max_committed() const { return LogIndex(committed_.size()); }

 private:
  struct NodeTrack {
    LogIndex commit;         // the commit index seen last in this incarnation
    LogIndex applied;        // the state machine's last applied index
    Term leader_checked;     // the term this server's log was checked as a leader for
    bool persisted = false;  // whether a hard state was seen
    HardState hard_state;    // the last durable hard state
  };
  struct WrittenEntry {
    EntryType type;
    Payload data;
    Term prev_term;
    PeerId writer;
  };
  struct CommittedEntry {
    Term entry_term;
    Term commit_term;  // the lowest term of a server seen holding it as committed
  };

  Status CheckLeaderHas(const NodeView& leader, LogIndex index, const CommittedEntry& c) const;
  Status RecordCommits(const NodeView& view, NodeTrack* track, std::vector<LogIndex>* changed);

  std::unordered_map<PeerId, NodeTrack> nodes_;
  std::map<Term, PeerId> leaders_;
  std::map<std::pair<LogIndex, Term>, WrittenEntry> written_;
  std::vector<AppliedEntry> applied_;
  std::vector<CommittedEntry> committed_;  // position 0 is index 1
};

}  // namespace ozone::raft::sim
