#include "ha/raft/log/term_history.h"

#include <algorithm>
#include <cassert>

namespace ozone::raft {

void TermHistory::Reset(LogIndex start, Term term) {
  runs_.assign(1, Run{start, term});
  last_ = start;
}

void TermHistory::Append(Term term) {
  assert(term >= LastTerm());
  ++last_;
  if (term != LastTerm()) runs_.push_back(Run{last_, term});
}

void TermHistory::TruncateAfter(LogIndex last) {
  assert(last >= start() && last <= last_);
  while (runs_.size() > 1 && runs_.back().first > last) runs_.pop_back();
  last_ = last;
}

void TermHistory::DropBefore(LogIndex start) {
  assert(start >= this->start() && start <= last_);
  // The run holding `start` becomes the first one.
  auto it = std::upper_bound(runs_.begin(), runs_.end(), start,
                             [](LogIndex i, const Run& r) { return i < r.first; });
  runs_.erase(runs_.begin(), it - 1);
  runs_.front().first = start;
}

std::optional<Term> TermHistory::TermAt(LogIndex index) const {
  if (index < start() || index > last_) return std::nullopt;
  auto it = std::upper_bound(runs_.begin(), runs_.end(), index,
                             [](LogIndex i, const Run& r) { return i < r.first; });
  return (it - 1)->term;
}

}  // namespace ozone::raft
