// LogWriter: persistence to a LogStore, with group commit.
//
// The protocol thread submits persistence requests (a Ready's hard state and entries, with a
// callback) and ordered log operations (purge, reset to a snapshot). A batch is executed in
// submission order: every request's entries are appended (SegmentedLog buffers them: one write),
// then made durable with ONE Sync (one fdatasync) for the whole batch, then the latest hard state
// is saved if any request carried one (term and vote changes are rare), and only then the
// callbacks run, in submission order. While a batch syncs, new requests queue up and form the
// next batch, so the number of syncs adapts to the load (Raft thesis §10.2.1).
//
// Who executes a batch: the first arrival leads. A request submitted while the writer is idle
// (no batch in progress, nothing queued) is executed at once on the submitting thread, which
// appends, syncs and runs its callback before Persist returns: an isolated request costs no
// thread wakeup. Requests submitted while a batch is in progress queue, and the writer's own
// thread executes them as the next batch once the current one (and its callbacks) finished.
// A submitter that must not wait for the disk (it has more work coming: a pipelining leader, a
// follower reading a stream of appends) passes Lead::kWriterThread and leaves every request to
// the writer thread, so that the requests it submits meanwhile share the next sync.
//
// Purge and ResetToSnapshot run in order with the appends around them: a purge never overtakes
// the appends before it, and entries submitted after a reset land in the reset log.
//
// Errors: the first failure (an I/O error, or a request the log refuses) fails its batch and
// every later request with that status: a replica whose log cannot be written must stop
// (DESIGN.md §5), and ordering forbids skipping a request.
//
// Thread-safety: the submitting methods and stats() may be called from any thread. A submission
// either queues (a short mutex, never waiting for I/O) or, when the writer is idle, performs the
// I/O and runs the callback on the calling thread before returning: callers must not hold a lock
// their callback takes. Callbacks run one at a time, on the writer thread or on a submitting
// thread, and may submit again (that request queues). Only one batch is executed at a time, so
// the LogStore sees one writer at a time. Stop() and the destructor must not be called from a
// callback.
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
  // Runs with the outcome of a request once it is durable (or failed), on the thread that
  // executed its batch (the writer thread, or the submitting thread inside Persist when the
  // writer was idle). May be empty (no notification).
  using Callback = std::function<void(const Status&)>;

  // Which thread may execute a request (see the header comment).
  enum class Lead : uint8_t {
    kIfIdle,        // the submitting thread when the writer is idle, else the writer thread
    kWriterThread,  // always the writer thread: the submitter never waits for the disk
  };

  enum class StopMode : uint8_t {
    kDrain,  // persist everything submitted before Stop, then stop
    kAbort,  // finish the batch in progress; queued requests fail with Aborted
  };

  // Starts the writer thread. `log` must outlive the writer; nothing else may write to it
  // while the writer runs (callbacks may: they run while the writer waits for them).
  explicit LogWriter(LogStore* log, const LogWriterOptions& options = {});
  // Stop(kDrain).
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Persists `entries` (appended as LogStore::Append does: consecutive, possibly truncating a
  // suffix) and `hard_state`, either of which may be empty. `done` runs once they and
  // everything submitted earlier are durable: before Persist returns if `lead` allows it and
  // the writer was idle, else later on the writer thread. OK: `done` runs (or ran) exactly once.
  // Aborted if the writer is stopped: `done` will not run.
  Status Persist(std::optional<HardState> hard_state, std::vector<Entry> entries, Callback done,
                 Lead lead = Lead::kIfIdle);
  // LogStore::Purge(up_to), ordered with the requests around it. As Persist.
  Status Purge(LogIndex up_to, Callback done, Lead lead = Lead::kIfIdle);
  // LogStore::ResetToSnapshot(snapshot), ordered with the requests around it. As Persist.
  Status ResetToSnapshot(SnapshotMeta snapshot, Callback done, Lead lead = Lead::kIfIdle);

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

  Status Submit(Op op, Lead lead);
  void Run();
  // Executes ops[begin, end) as one batch; returns its outcome. REQUIRES: busy_ set by the
  // caller.
  Status ExecuteBatch(std::vector<Op>& ops, size_t begin, size_t end);

  LogStore* const log_;
  const LogWriterOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Op> queue_;  // guarded by mu_
  // A batch is being executed (by the writer thread or a submitting thread), callbacks
  // included. Guarded by mu_.
  bool busy_ = false;
  bool stopping_ = false;  // guarded by mu_
  bool abort_ = false;     // guarded by mu_
  LogWriterStats stats_;   // guarded by mu_

  // Used only by whoever set busy_.
  Status failed_;
  std::vector<Op> inline_ops_;  // the batch of one a submitting thread executes

  std::thread thread_;
};

}  // namespace ozone::raft
