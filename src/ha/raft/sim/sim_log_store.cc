#include "ha/raft/sim/sim_log_store.h"

#include <fmt/format.h>

namespace ozone::raft::sim {

SimLogStore::SimLogStore(const SnapshotMeta& initial) {
  current_.base_index = initial.index;
  current_.base_term = initial.term;
  durable_ = current_;
  snapshot_ = initial;
}

void SimLogStore::Image::Write(const std::vector<Entry>& batch) {
  if (batch.empty()) return;
  LogIndex first = batch.front().index;
  if (first <= LastIndex()) {
    const LogIndex keep_to = first <= base_index ? base_index : first - 1;
    entries.resize(keep_to - base_index);
  }
  for (const Entry& e : batch) {
    if (e.index <= base_index) continue;
    entries.push_back(e);
  }
}

void SimLogStore::Image::PurgeTo(LogIndex up_to) {
  if (up_to <= base_index) return;
  const LogIndex last = LastIndex();
  if (up_to > last) up_to = last;
  base_term = At(up_to).term;
  entries.erase(entries.begin(), entries.begin() + static_cast<ptrdiff_t>(up_to - base_index));
  base_index = up_to;
}

Status SimLogStore::Violation(Status status) const {
  if (!violation_) violation_ = status.ToString();
  return status;
}

Result<Term> SimLogStore::TermAt(LogIndex index) const {
  if (index == current_.base_index) return current_.base_term;
  if (index < current_.base_index || index > current_.LastIndex()) {
    return Status::NotFound(fmt::format("no entry {} in log ({}, {}]", index.value(),
                                        current_.base_index.value(), current_.LastIndex().value()));
  }
  return current_.At(index).term;
}

Status SimLogStore::Read(LogIndex lo, LogIndex hi, size_t max_bytes,
                         std::vector<Entry>* out) const {
  if (lo < FirstIndex() || lo > hi || hi > LastIndex() + 1) {
    return Violation(Status::InvalidArgument(
        fmt::format("Read [{}, {}) outside log [{}, {}]", lo.value(), hi.value(),
                    FirstIndex().value(), LastIndex().value())));
  }
  size_t bytes = 0;
  for (LogIndex i = lo; i < hi; ++i) {
    const Entry& e = current_.At(i);
    out->push_back(e);
    bytes += e.ByteSize();
    if (bytes >= max_bytes) break;
  }
  return Status::OK();
}

Status SimLogStore::Append(const std::vector<Entry>& entries) {
  if (entries.empty()) return Status::OK();
  const LogIndex first = entries.front().index;
  if (first < FirstIndex() || first > LastIndex() + 1) {
    return Violation(
        Status::InvalidArgument(fmt::format("Append at {} outside [{}, {}]", first.value(),
                                            FirstIndex().value(), (LastIndex() + 1).value())));
  }
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].index != entries[i - 1].index + 1) {
      return Violation(Status::InvalidArgument(
          fmt::format("Append of non-consecutive entries {} then {}", entries[i - 1].index.value(),
                      entries[i].index.value())));
    }
  }
  current_.Write(entries);
  pending_.push_back(entries);
  return Status::OK();
}

Status SimLogStore::Sync() {
  for (const auto& batch : pending_) durable_.Write(batch);
  pending_.clear();
  return Status::OK();
}

Status SimLogStore::SaveHardState(const HardState& state) {
  hard_state_ = state;
  return Status::OK();
}

Status SimLogStore::Purge(LogIndex up_to) {
  if (up_to > LastIndex()) {
    return Violation(Status::InvalidArgument(
        fmt::format("Purge to {} past the last index {}", up_to.value(), LastIndex().value())));
  }
  if (up_to > durable_.LastIndex()) {
    // Only entries covered by a snapshot are purged, and a snapshot covers applied entries,
    // which must be durable (raft_core.h: committed entries are locally durable).
    return Violation(Status::Internal(fmt::format("Purge to {} past the durable last index {}",
                                                  up_to.value(), durable_.LastIndex().value())));
  }
  current_.PurgeTo(up_to);
  durable_.PurgeTo(up_to);
  return Status::OK();
}

Status SimLogStore::ResetToSnapshot(const SnapshotMeta& snapshot) {
  current_ = Image{snapshot.index, snapshot.term, {}};
  durable_ = current_;
  pending_.clear();
  snapshot_ = snapshot;
  return Status::OK();
}

Status SimLogStore::SaveSnapshotMeta(const SnapshotMeta& snapshot) {
  snapshot_ = snapshot;
  return Status::OK();
}

Result<StoredState> SimLogStore::LoadState() const {
  StoredState state;
  state.hard_state = hard_state_;
  state.snapshot = snapshot_;
  for (const Entry& e : current_.entries) {
    if (e.type == EntryType::kConfig && e.index > snapshot_.index) {
      state.config_entries.push_back(e);
    }
  }
  return state;
}

void SimLogStore::Crash() {
  pending_.clear();
  current_ = durable_;
}

}  // namespace ozone::raft::sim
