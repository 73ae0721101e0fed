// LogView: the protocol core's view of its log: the persisted entries (read through a
// LogReader) followed by the unstable ones (appended in memory, handed to the server to persist,
// not yet acknowledged durable). Entries at or after unstable_offset() are read from memory even
// if the store still holds older entries there that a pending truncation will replace.
//
// snapshot_index() is where the log starts: 0 for a log that was never reset, else the index of
// the last snapshot installed from a leader. (Snapshots the local state machine takes do not move
// it: the store keeps entries after a purge gap to serve lagging followers.)
//
// Invariants: unstable entries are consecutive and start at unstable_offset();
// persisted_index() == unstable_offset() - 1; snapshot_index() < FirstIndex().
//
// Thread-safety: not thread-safe; owned by RaftCore.
#pragma once

#include <deque>
#include <vector>

#include "common/result.h"
#include "ha/raft/log_store.h"
#include "ha/raft/types.h"

namespace ozone::raft {

class LogView {
 public:
  LogView(const LogReader* stable, LogIndex snapshot_index, Term snapshot_term);

  // The first index still readable (the store may have purged entries a snapshot covers).
  LogIndex FirstIndex() const;
  LogIndex LastIndex() const;
  Term LastTerm() const;
  // Everything through here is durable locally.
  LogIndex persisted_index() const { return unstable_offset_ - 1; }
  LogIndex unstable_offset() const { return unstable_offset_; }
  LogIndex snapshot_index() const { return snapshot_index_; }
  Term snapshot_term() const { return snapshot_term_; }

  // The term at `index` for snapshot_index() <= index <= LastIndex(); NotFound otherwise (also
  // for entries purged from the store underneath).
  Result<Term> TermAt(LogIndex index) const;
  // Term or 0 when unknown.
  Term TermOr0(LogIndex index) const;
  bool MatchTerm(LogIndex index, Term term) const;

  // Entries [lo, hi), at least one if lo < hi, stopping once `max_bytes` is reached or
  // `max_count` entries are collected. NotFound if lo was purged.
  Status Slice(LogIndex lo, LogIndex hi, size_t max_count, size_t max_bytes,
               std::vector<Entry>* out) const;

  // Appends entries that follow LastIndex() (leader) or that overwrite from their first index
  // (follower after finding a conflict). REQUIRES: entries.front().index in
  // (snapshot_index(), LastIndex() + 1].
  void Append(std::vector<Entry> entries);

  // For entries received from a leader after (prev_index, prev_term) matched: the index of the
  // first entry that is new or conflicts with the local log, or 0 if all are already present.
  LogIndex FindConflict(const std::vector<Entry>& entries) const;

  // The largest index <= `index` whose term is <= `term` (thesis §5.3 fast backtracking; etcd's
  // findConflictByTerm). Returns snapshot_index() if none is known.
  LogIndex FindConflictByTerm(LogIndex index, Term term) const;

  // Whether some entries were appended but not yet handed out to be persisted.
  bool HasUnhandedEntries() const {
    return !unstable_.empty() && next_to_persist_ <= unstable_.back().index;
  }
  // Entries not yet handed out to be persisted; marks them handed out.
  std::vector<Entry> TakeEntriesToPersist();
  // The entries through `index` were persisted with `term` at `index`: drop them from memory if
  // the log still has that term there (a later truncation may have replaced them).
  void StableTo(LogIndex index, Term term);

  // Replaces everything with "empty after (index, term)" (a snapshot was installed and the
  // store was reset).
  void ResetToSnapshot(LogIndex index, Term term);

 private:
  const LogReader* stable_;
  LogIndex snapshot_index_;
  Term snapshot_term_;
  std::deque<Entry> unstable_;
  LogIndex unstable_offset_;
  // First unstable index not yet handed out by TakeEntriesToPersist.
  LogIndex next_to_persist_;
};

}  // namespace ozone::raft
