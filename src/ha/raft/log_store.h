// LogStore: the durable Raft log of one group, as the protocol core and the server see it.
//
// The log holds entries [FirstIndex(), LastIndex()]; everything before FirstIndex() is covered
// by a snapshot whose (index, term) is (FirstIndex() - 1, TermAt(FirstIndex() - 1)). An empty
// log of a fresh server has FirstIndex() == 1 and LastIndex() == 0, and TermAt(0) == 0.
//
// Writes are made by one thread (the log writer); reads (LogReader) may come concurrently from
// the protocol thread and must see a consistent prefix: an entry that Read returns stays valid
// until the core itself asks for it to be truncated or purged.
//
// Durability: Append (which also truncates a suffix when it overwrites) is buffered; Sync()
// makes every earlier write durable (one fdatasync: group commit). SaveHardState,
// SaveSnapshotMeta and ResetToSnapshot are durable when they return. A crash loses exactly the
// appends after the last Sync(). Appended entries are visible to readers when Append returns,
// before Sync; the protocol core only reads indexes it knows are persisted.
//
// All writing methods are called by one thread at a time: the LogWriter thread, including from
// the callbacks it runs (RaftServer records snapshot metadata that way).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "common/result.h"
#include "ha/raft/types.h"

namespace ozone::raft {

class LogReader {
 public:
  virtual ~LogReader() = default;

  virtual LogIndex FirstIndex() const = 0;
  virtual LogIndex LastIndex() const = 0;
  // The term of the entry at `index`, for FirstIndex() - 1 <= index <= LastIndex(). NotFound
  // outside that range (the entry was purged or never written).
  virtual Result<Term> TermAt(LogIndex index) const = 0;
  // Appends entries [lo, hi) to `out`, stopping early (after at least one entry) once their
  // ByteSize() sum reaches `max_bytes`. REQUIRES: FirstIndex() <= lo <= hi <= LastIndex() + 1.
  virtual Status Read(LogIndex lo, LogIndex hi, size_t max_bytes,
                      std::vector<Entry>* out) const = 0;
};

// What a server finds on disk when it starts.
struct StoredState {
  HardState hard_state;
  // The snapshot the log starts after (index 0, term 0 and an empty configuration if none).
  SnapshotMeta snapshot;
  // Every kConfig entry in the log after the snapshot, in index order (the core needs the
  // latest one, and earlier ones when a suffix is truncated).
  std::vector<Entry> config_entries;
};

class LogStore : public LogReader {
 public:
  // Appends `entries` (consecutive indexes). If entries.front().index <= LastIndex(), the log is
  // first truncated to entries.front().index - 1. REQUIRES: entries.front().index >= FirstIndex()
  // and <= LastIndex() + 1.
  virtual Status Append(const std::vector<Entry>& entries) = 0;
  // Makes every earlier Append durable.
  virtual Status Sync() = 0;
  // Durably records term, vote and commit.
  virtual Status SaveHardState(const HardState& state) = 0;
  // Drops entries with index <= `up_to` (they are covered by a snapshot through at least
  // `up_to`). Entries beyond LastIndex() are not affected; purging past LastIndex() is an error.
  // Need not be durable at once: after a crash some purged entries may still be there, which is
  // harmless (they are identical to what the snapshot covers).
  virtual Status Purge(LogIndex up_to) = 0;
  // Replaces the whole log with "empty, after `snapshot`": FirstIndex() becomes
  // snapshot.index + 1 and TermAt(snapshot.index) == snapshot.term. Durable when it returns.
  virtual Status ResetToSnapshot(const SnapshotMeta& snapshot) = 0;
  // Records the latest snapshot the state machine has (durably), without touching the log, so
  // that a restart knows which configuration and term the state covers.
  virtual Status SaveSnapshotMeta(const SnapshotMeta& snapshot) = 0;
  // The state to start the protocol core from.
  virtual Result<StoredState> LoadState() const = 0;
};

}  // namespace ozone::raft
