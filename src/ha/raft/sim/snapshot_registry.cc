#include "ha/raft/sim/snapshot_registry.h"

#include <fmt/format.h>

namespace ozone::raft::sim {

Status SnapshotRegistry::Add(const SnapshotMeta& meta, std::shared_ptr<const KvState> state) {
  if (state->applied != meta.index) {
    return Status::Internal(fmt::format("snapshot meta at {} for a state applied through {}",
                                        meta.index.value(), state->applied.value()));
  }
  auto [it, inserted] = by_index_.try_emplace(meta.index, SnapshotRecord{meta, state});
  if (inserted) return Status::OK();
  const SnapshotRecord& old = it->second;
  if (old.meta.term != meta.term) {
    return Status::Internal(fmt::format("two snapshots at index {} with terms {} and {}",
                                        meta.index.value(), old.meta.term.value(),
                                        meta.term.value()));
  }
  if (!(old.meta.config == meta.config)) {
    return Status::Internal(
        fmt::format("two snapshots at index {} with different configurations", meta.index.value()));
  }
  if (!(*old.state == *state)) {
    return Status::Internal(
        fmt::format("two snapshots at index {} with different states", meta.index.value()));
  }
  return Status::OK();
}

const SnapshotRecord* SnapshotRegistry::Find(LogIndex index) const {
  auto it = by_index_.find(index);
  return it == by_index_.end() ? nullptr : &it->second;
}

}  // namespace ozone::raft::sim
