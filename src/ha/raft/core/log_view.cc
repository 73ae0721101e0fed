#include "ha/raft/core/log_view.h"

#include <algorithm>
#include <cassert>

namespace ozone::raft {

LogView::LogView(const LogReader* stable, LogIndex snapshot_index, Term snapshot_term)
    : stable_(stable), snapshot_index_(snapshot_index), snapshot_term_(snapshot_term) {
  // The store may start before the snapshot (not purged yet) or right after it.
  LogIndex last = std::max(stable_->LastIndex(), snapshot_index_);
  unstable_offset_ = last + 1;
  next_to_persist_ = unstable_offset_;
}

LogIndex LogView::FirstIndex() const {
  return std::max(stable_->FirstIndex(), snapshot_index_ + 1);
}

LogIndex LogView::LastIndex() const {
  if (!unstable_.empty()) return unstable_.back().index;
  return unstable_offset_ - 1;
}

Term LogView::LastTerm() const { return TermOr0(LastIndex()); }

Result<Term> LogView::TermAt(LogIndex index) const {
  if (index >= unstable_offset_) {
    if (unstable_.empty() || index > unstable_.back().index) {
      return Status::NotFound("index beyond the log");
    }
    return unstable_[index - unstable_offset_].term;
  }
  if (index == snapshot_index_) return snapshot_term_;
  if (index < snapshot_index_) return Status::NotFound("index compacted into a snapshot");
  return stable_->TermAt(index);
}

Term LogView::TermOr0(LogIndex index) const {
  auto t = TermAt(index);
  return t.ok() ? *t : Term(0);
}

bool LogView::MatchTerm(LogIndex index, Term term) const {
  auto t = TermAt(index);
  return t.ok() && *t == term;
}

Status LogView::Slice(LogIndex lo, LogIndex hi, size_t max_count, size_t max_bytes,
                      std::vector<Entry>* out) const {
  if (lo >= hi) return Status::OK();
  if (lo <= snapshot_index_ || lo < stable_->FirstIndex()) {
    return Status::NotFound("entries compacted");
  }
  size_t bytes = 0;
  size_t count = 0;
  LogIndex stable_hi = std::min(hi, unstable_offset_);
  if (lo < stable_hi) {
    size_t before = out->size();
    OZ_RETURN_IF_ERROR(stable_->Read(lo, stable_hi, max_bytes, out));
    for (size_t i = before; i < out->size(); ++i) bytes += (*out)[i].ByteSize();
    if (out->size() - before > max_count) out->resize(before + max_count);
    count = out->size() - before;
    if (count == 0) return Status::NotFound("entries not readable");
    // Stop if the store stopped early (byte limit) or the count is reached.
    if (lo + count < stable_hi || count >= max_count || bytes >= max_bytes) return Status::OK();
  }
  for (LogIndex i = std::max(lo, unstable_offset_); i < hi; ++i) {
    if (unstable_.empty() || i > unstable_.back().index) break;
    if (count > 0 && (count >= max_count || bytes >= max_bytes)) break;
    const Entry& e = unstable_[i - unstable_offset_];
    out->push_back(e);
    bytes += e.ByteSize();
    ++count;
  }
  return Status::OK();
}

void LogView::Append(std::vector<Entry> entries) {
  if (entries.empty()) return;
  LogIndex first = entries.front().index;
  assert(first > snapshot_index_ && first <= LastIndex() + 1);
  if (first >= unstable_offset_) {
    // Truncate the unstable tail (a no-op when appending at the end).
    unstable_.resize(first - unstable_offset_);
  } else {
    // Overwrite persisted entries: they are replaced in memory now, in the store once the
    // server persists this batch (its first index tells the store where to truncate).
    unstable_.clear();
    unstable_offset_ = first;
  }
  next_to_persist_ = std::min(next_to_persist_, first);
  for (auto& e : entries) unstable_.push_back(std::move(e));
}

LogIndex LogView::FindConflict(const std::vector<Entry>& entries) const {
  for (const Entry& e : entries) {
    if (!MatchTerm(e.index, e.term)) return e.index;
  }
  return LogIndex(0);
}

LogIndex LogView::FindConflictByTerm(LogIndex index, Term term) const {
  LogIndex i = std::min(index, LastIndex());
  while (i > snapshot_index_) {
    auto t = TermAt(i);
    if (!t.ok()) break;  // purged below: the snapshot is the best answer
    if (*t <= term) return i;
    i = i - 1;
  }
  return snapshot_index_;
}

std::vector<Entry> LogView::TakeEntriesToPersist() {
  std::vector<Entry> out;
  if (unstable_.empty()) return out;
  if (next_to_persist_ < unstable_offset_) next_to_persist_ = unstable_offset_;
  for (LogIndex i = next_to_persist_; i <= unstable_.back().index; ++i) {
    out.push_back(unstable_[i - unstable_offset_]);
  }
  next_to_persist_ = unstable_.back().index + 1;
  return out;
}

void LogView::StableTo(LogIndex index, Term term) {
  if (index < unstable_offset_ || unstable_.empty() || index > unstable_.back().index) return;
  if (unstable_[index - unstable_offset_].term != term) return;
  size_t drop = index - unstable_offset_ + 1;
  unstable_.erase(unstable_.begin(), unstable_.begin() + static_cast<ptrdiff_t>(drop));
  unstable_offset_ = index + 1;
  next_to_persist_ = std::max(next_to_persist_, unstable_offset_);
}

void LogView::ResetToSnapshot(LogIndex index, Term term) {
  unstable_.clear();
  snapshot_index_ = index;
  snapshot_term_ = term;
  unstable_offset_ = index + 1;
  next_to_persist_ = unstable_offset_;
}

}  // namespace ozone::raft
