#include "ha/raft/testing/memory_log_store.h"

#include <string>

#include "ha/raft/configuration_codec.h"

namespace ozone::raft {

LogIndex MemoryLogStore::FirstIndex() const {
  std::lock_guard<std::mutex> l(mu_);
  return base_index_ + 1;
}

LogIndex MemoryLogStore::LastIndex() const {
  std::lock_guard<std::mutex> l(mu_);
  return base_index_ + entries_.size();
}

Result<Term> MemoryLogStore::TermAt(LogIndex index) const {
  std::lock_guard<std::mutex> l(mu_);
  if (index == base_index_) return base_term_;
  if (index < base_index_ || index > base_index_ + entries_.size()) {
    return Status::NotFound("no entry " + std::to_string(index.value()));
  }
  return entries_[index - base_index_ - 1].term;
}

Status MemoryLogStore::Read(LogIndex lo, LogIndex hi, size_t max_bytes,
                            std::vector<Entry>* out) const {
  std::lock_guard<std::mutex> l(mu_);
  if (lo <= base_index_ || hi > base_index_ + entries_.size() + 1) {
    return Status::NotFound("entries out of range");
  }
  size_t bytes = 0;
  for (LogIndex i = lo; i < hi; ++i) {
    const Entry& e = entries_[i - base_index_ - 1];
    if (bytes > 0 && bytes + e.ByteSize() > max_bytes) break;
    out->push_back(e);
    bytes += e.ByteSize();
  }
  return Status::OK();
}

Status MemoryLogStore::Append(const std::vector<Entry>& entries) {
  std::lock_guard<std::mutex> l(mu_);
  if (entries.empty()) return Status::OK();
  LogIndex first = entries.front().index;
  if (first <= base_index_ || first > base_index_ + entries_.size() + 1) {
    return Status::InvalidArgument("append at " + std::to_string(first.value()) +
                                   " leaves a hole or rewrites the snapshot");
  }
  entries_.resize(first - base_index_ - 1);
  for (const Entry& e : entries) entries_.push_back(e);
  return Status::OK();
}

Status MemoryLogStore::SaveHardState(const HardState& state) {
  std::lock_guard<std::mutex> l(mu_);
  hard_state_ = state;
  return Status::OK();
}

Status MemoryLogStore::Purge(LogIndex up_to) {
  std::lock_guard<std::mutex> l(mu_);
  if (up_to <= base_index_) return Status::OK();
  if (up_to > base_index_ + entries_.size()) return Status::InvalidArgument("purge past the end");
  size_t n = up_to - base_index_;
  base_term_ = entries_[n - 1].term;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<ptrdiff_t>(n));
  base_index_ = up_to;
  return Status::OK();
}

Status MemoryLogStore::ResetToSnapshot(const SnapshotMeta& snapshot) {
  std::lock_guard<std::mutex> l(mu_);
  entries_.clear();
  base_index_ = snapshot.index;
  base_term_ = snapshot.term;
  snapshot_ = snapshot;
  return Status::OK();
}

Status MemoryLogStore::SaveSnapshotMeta(const SnapshotMeta& snapshot) {
  std::lock_guard<std::mutex> l(mu_);
  if (snapshot.index > snapshot_.index) snapshot_ = snapshot;
  return Status::OK();
}

Result<StoredState> MemoryLogStore::LoadState() const {
  std::lock_guard<std::mutex> l(mu_);
  StoredState s;
  s.hard_state = hard_state_;
  s.snapshot = snapshot_;
  for (const Entry& e : entries_) {
    if (e.type == EntryType::kConfig && e.index > snapshot_.index) s.config_entries.push_back(e);
  }
  return s;
}

HardState MemoryLogStore::hard_state() const {
  std::lock_guard<std::mutex> l(mu_);
  return hard_state_;
}

}  // namespace ozone::raft
