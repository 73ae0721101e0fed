// LogWriter: the thread that persists to a LogStore, with group commit.
//
// The protocol thread submits persistence requests (a Ready's hard state and entries, with a
// callback) and ordered log operations (purge, reset to a snapshot). The writer takes everything
// queued at once and, in submission order, appends every request's entries (SegmentedLog buffers
// them: one write), then makes them durable with ONE Sync (one fdatasync) for the whole batch,
// then saves the latest hard state if any request carried one (term and vote changes are rare),
// and only then runs the callbacks, in submission order. While it syncs, new requests queue up
// and form the next batch, so the number of syncs adapts to the load (Raft thesis §10.2.1).
//
// Purge and ResetToSnapshot run in order with the appends around them: a purge never overtakes
// the appends before it, and entries submitted after a reset land in the reset log.
//
// Errors: the first failure (an I/O error, or a request the log refuses) fails its batch and
// every later request with that status: a replica whose log cannot be written must stop
// (DESIGN.md §5), and ordering forbids skipping a request.
//
// Thread-safety: the submitting methods and stats() may be called from any thread; they only
// take a short mutex to queue (never waiting for I/O). Callbacks run on the writer thread and
// may submit again. Stop() and the destructor must not be called from a callback.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/result.h"
#include "ha/raft/log_store.h"
#include "ha/raft/types.h"

namespace ozone::raft {

struct LogWriterOptions {
  // Most entry bytes (Entry::ByteSize) made durable by one Sync. A longer queue is written as
  // several batches, so that the first callbacks do not wait for all of it; a single request is
  // never split. Default: 4 MiB.
  size_t max_batch_bytes = size_t{4} << 20;
};

struct LogWriterStats {
  uint64_t requests = 0;     // requests and operations completed (callbacks run)
  uint64_t entries = 0;      // entries appended
  uint64_t batches = 0;      // groups of requests completed together
  uint64_t syncs = 0;        // LogStore::Sync calls
  uint64_t hard_states = 0;  // LogStore::SaveHardState calls
};

class LogWriter {
 public:
  // Runs with the outcome of a request once it is durable (or failed). On the writer thread.
  // May be empty (no notification).
  using Callback = std::function<void(const Status&)>;

  enum class StopMode : uint8_t {
    kDrain,  // persist everything submitted before Stop, then stop
    kAbort,  // finish the batch in progress; queued requests fail with Aborted
  };

  // Starts the writer thread. `log` must outlive the writer; nothing else may write to it
  // while the writer runs.
  explicit LogWriter(LogStore* log, const LogWriterOptions& options = {});
  // Stop(kDrain).
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues `entries` (appended as LogStore::Append does: consecutive, possibly truncating a
  // suffix) and `hard_state`, either of which may be empty. `done` runs once they and
  // everything submitted earlier are durable. OK: `done` will run exactly once. Aborted if the
  // writer is stopped: `done` will not run.
  Status Persist(std::optional<HardState> hard_state, std::vector<Entry> entries, Callback done);
  // Queues LogStore::Purge(up_to), ordered with the requests around it. As Persist.
  Status Purge(LogIndex up_to, Callback done);
  // Queues LogStore::ResetToSnapshot(snapshot), ordered with the requests around it. As Persist.
  Status ResetToSnapshot(SnapshotMeta snapshot, Callback done);

  // Stops the thread, draining or aborting what is queued (see StopMode); every accepted
  // request's callback has run when it returns. Later submissions get Aborted. Idempotent.
  void Stop(StopMode mode = StopMode::kDrain);

  LogWriterStats stats() const;

 private:
  struct Op {
    enum class Kind : uint8_t { kPersist, kPurge, kReset };
    Kind kind = Kind::kPersist;
    std::optional<HardState> hard_state;
    std::vector<Entry> entries;
    LogIndex purge_up_to;
    std::optional<SnapshotMeta> snapshot;
    Callback done;
  };

  Status Submit(Op op);
  void Run();
  // Executes ops[begin, end) as one batch; returns its outcome.
  Status ExecuteBatch(std::vector<Op>& ops, size_t begin, size_t end);

  LogStore* const log_;
  const LogWriterOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Op> queue_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  bool abort_ = false;     // guarded by mu_
  LogWriterStats stats_;   // guarded by mu_

  // Writer thread only.
  Status failed_;

  std::thread thread_;
};

}  // namespace ozone::raft
