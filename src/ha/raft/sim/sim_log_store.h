// SimLogStore: an in-memory LogStore with the durability model of a real disk, for the
// simulation.
//
// Two images of the log are kept: what reads see (every write so far, as in the page cache) and
// what survives a crash (the writes up to the last Sync()). Append and the truncation it implies
// are buffered until Sync(); SaveHardState, ResetToSnapshot and SaveSnapshotMeta are durable when
// they return; Purge drops entries from both images (they are covered by a durable snapshot).
// Crash() throws the unsynced writes away, as power loss would; LoadState() then returns what a
// restarting server finds.
//
// The store also checks how it is used: a call that breaks the LogStore contract (a gap in an
// Append, a Read out of range, a purge past the durable log) fails with InvalidArgument or
// Internal and is remembered in contract_violation(), which the simulation turns into a failed
// run even when the caller (the protocol core) swallows the status.
//
// Thread-safety: not thread-safe; the simulation is single-threaded.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "ha/raft/log_store.h"

namespace ozone::raft::sim {

class SimLogStore : public LogStore {
 public:
  // An empty log (FirstIndex() == 1, LastIndex() == 0) with no configuration.
  SimLogStore() = default;
  // An empty log after `initial` (index 0 and term 0 with the bootstrap configuration, for a
  // founding member of a group).
  explicit SimLogStore(const SnapshotMeta& initial);

  // LogReader (the page-cache image).
  LogIndex FirstIndex() const override { return current_.base_index + 1; }
  LogIndex LastIndex() const override { return current_.LastIndex(); }
  Result<Term> TermAt(LogIndex index) const override;
  Status Read(LogIndex lo, LogIndex hi, size_t max_bytes, std::vector<Entry>* out) const override;

  // LogStore.
  Status Append(const std::vector<Entry>& entries) override;
  Status Sync() override;
  Status SaveHardState(const HardState& state) override;
  Status Purge(LogIndex up_to) override;
  Status ResetToSnapshot(const SnapshotMeta& snapshot) override;
  Status SaveSnapshotMeta(const SnapshotMeta& snapshot) override;
  Result<StoredState> LoadState() const override;

  // Power loss: every write since the last Sync() is lost; reads then see the durable image.
  void Crash();

  // The last index that would survive a crash now.
  LogIndex DurableLastIndex() const { return durable_.LastIndex(); }
  // Number of Append calls not yet made durable.
  size_t unsynced_appends() const { return pending_.size(); }
  const HardState& hard_state() const { return hard_state_; }
  const SnapshotMeta& snapshot_meta() const { return snapshot_; }
  // The first misuse of the LogStore contract seen, if any.
  const std::optional<std::string>& contract_violation() const { return violation_; }

 private:
  // One image of the log: entries (base_index, base_index + entries.size()], after a snapshot
  // point (base_index, base_term).
  struct Image {
    LogIndex base_index;
    Term base_term;
    std::deque<Entry> entries;

    LogIndex LastIndex() const { return base_index + entries.size(); }
    const Entry& At(LogIndex index) const { return entries[index - base_index - 1]; }
    // Truncates after entries.front().index - 1 and appends. Entries at or below base_index are
    // skipped (already covered by the snapshot).
    void Write(const std::vector<Entry>& batch);
    void PurgeTo(LogIndex up_to);
  };

  Status Violation(Status status) const;

  Image current_;
  Image durable_;
  std::vector<std::vector<Entry>> pending_;  // appends since the last Sync(), in order
  HardState hard_state_;
  SnapshotMeta snapshot_;
  mutable std::optional<std::string> violation_;  // set by const reads too
};

}  // namespace ozone::raft::sim
