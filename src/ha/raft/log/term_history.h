// TermHistory: the term of every position of the log, kept as runs (first index, term). Terms
// change only with leaders, so a log of millions of entries has a handful of runs, and TermAt is
// a binary search over them.
//
// It covers [start(), last()], where start() is the position before the log's first entry (whose
// term a LogStore must still answer) and last() the last entry.
//
// Thread-safety: not synchronized (SegmentedLog guards it).
#pragma once

#include <optional>
#include <vector>

#include "ha/raft/types.h"

namespace ozone::raft {

class TermHistory {
 public:
  // Only position `start`, of term `term`.
  void Reset(LogIndex start, Term term);
  // Adds position last() + 1. REQUIRES: term >= LastTerm().
  void Append(Term term);
  // Forgets the positions after `last`. REQUIRES: start() <= last <= last().
  void TruncateAfter(LogIndex last);
  // Forgets the positions before `start`. REQUIRES: start() <= start <= last().
  void DropBefore(LogIndex start);

  // nullopt outside [start(), last()].
  std::optional<Term> TermAt(LogIndex index) const;
  LogIndex start() const { return runs_.front().first; }
  LogIndex last() const { return last_; }
  Term LastTerm() const { return runs_.back().term; }

 private:
  struct Run {
    LogIndex first;
    Term term;
  };
  // Never empty; runs_[k].first increase, and so do their terms.
  std::vector<Run> runs_{Run{}};
  LogIndex last_;
};

}  // namespace ozone::raft
