// SnapshotRegistry: the state machine snapshots taken during a run, by index, standing in for
// the checkpoints servers serve to each other out of band.
//
// A follower told to install the leader's snapshot at index i fetches it from here. Every server
// that takes a snapshot at i registers it; two snapshots at one index must be identical (same
// term, configuration and state), which is state machine safety seen from the snapshot side.
//
// Thread-safety: not thread-safe.
#pragma once

#include <map>
#include <memory>

#include "common/status.h"
#include "ha/raft/sim/kv_state_machine.h"
#include "ha/raft/types.h"

namespace ozone::raft::sim {

struct SnapshotRecord {
  SnapshotMeta meta;
  std::shared_ptr<const KvState> state;
};

class SnapshotRegistry {
 public:
  // Records a snapshot. Internal if a different snapshot was recorded at the same index.
  Status Add(const SnapshotMeta& meta, std::shared_ptr<const KvState> state);
  // The snapshot at `index`, or null.
  const SnapshotRecord* Find(LogIndex index) const;

 private:
  std::map<LogIndex, SnapshotRecord> by_index_;
};

}  // namespace ozone::raft::sim
