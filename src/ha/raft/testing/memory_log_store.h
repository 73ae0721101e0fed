// MemoryLogStore: a LogStore kept in memory, where every write is durable at once. For unit
// tests of the protocol core and of the server; the simulation has its own store that models
// crashes losing unsynced writes.
//
// Thread-safety: all methods are safe for concurrent use (one mutex).
#pragma once

#include <mutex>
#include <vector>

#include "ha/raft/log_store.h"

namespace ozone::raft {

class MemoryLogStore : public LogStore {
 public:
  LogIndex FirstIndex() const override;
  LogIndex LastIndex() const override;
  Result<Term> TermAt(LogIndex index) const override;
  Status Read(LogIndex lo, LogIndex hi, size_t max_bytes, std::vector<Entry>* out) const override;

  Status Append(const std::vector<Entry>& entries) override;
  Status Sync() override { return Status::OK(); }
  Status SaveHardState(const HardState& state) override;
  Status Purge(LogIndex up_to) override;
  Status ResetToSnapshot(const SnapshotMeta& snapshot) override;
  Status SaveSnapshotMeta(const SnapshotMeta& snapshot) override;
  Result<StoredState> LoadState() const override;

  HardState hard_state() const;

 private:
  mutable std::mutex mu_;
  LogIndex base_index_;  // entries_[0] has index base_index_ + 1
  Term base_term_;
  std::vector<Entry> entries_;
  HardState hard_state_;
  SnapshotMeta snapshot_;
};

}  // namespace ozone::raft
