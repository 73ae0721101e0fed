// DbStateMachine: the raft::StateMachine of SCM and OM: a RocksDB database (DBStore) whose state
// changes come from the log through a domain ApplyHandler, with the applied (term, index) stored
// in the same batches (TransactionInfo), so that a restart resumes right after it.
//
// Transaction buffer (SCM's SCMHADBTransactionBuffer): applied entries accumulate in one open
// WriteBatch; it is committed (with #TRANSACTIONINFO) when:
//   - a snapshot is taken (the Raft server's snapshot threshold; Ozone: every 1000 entries),
//   - leadership changes (this node becomes leader, or stops being it),
//   - the leader's flush timer fires (FlushIfNeeded,
//   ozone.scm.ha.dbtransactionbuffer.flush.interval),
//   - a checkpoint is served to a follower,
//   - the handler asks for it (ApplyContext::flush_after),
//   - `max_pending_entries` entries are pending.
// Between flushes the database lags the in-memory state; a crash replays the log from the last
// flushed TransactionInfo.
//
// Double buffer (OM's OzoneManagerDoubleBuffer, options.double_buffer): a flush thread commits
// continuously. While entries are pending it swaps the open batch for an empty one and commits
// the full one (with the #TRANSACTIONINFO of its last entry) outside the mutex, so Apply goes on
// into the other batch meanwhile; then ApplyHandler::OnFlushedThrough runs (OM evicts its table
// caches). Apply waits (back-pressure, Ozone's ozone.om.unflushed.transaction.max.count) while
// max_pending_entries entries are unflushed. The other triggers (snapshot, leadership change,
// checkpoint, flush_after, Flush) still commit synchronously, after the round in progress. A
// failed background commit stops the replica (on_fatal). flush_stats() reports the batches. With
// options.flush_gather the flush thread lets entries gather before a commit (see there).
//
// Durability: commits sync the RocksDB WAL only with options.sync
// (hadoop.hdds.db.rocksdb.writeoption.sync, false by default as in Ozone). A machine crash may
// then take the last commits; the Raft log, which is synced, replays them from the TransactionInfo
// that survived. The log is only purged up to what TakeSnapshot reports, so TakeSnapshot syncs the
// WAL before reporting.
//
// Snapshots are the database itself: TakeSnapshot flushes and reports the flushed index.
// InstallSnapshot downloads the leader's checkpoint (CheckpointFetcher) into snapshot_dir,
// refuses one older than what is applied or than the snapshot the leader announced ("checkpoint
// is too old to install"), moves the current database aside (<snapshot_dir>/<db
// name>.backup.<applied index>_<millis>, with a marker file while the swap is in progress),
// puts the checkpoint in its place, reopens it, calls ApplyHandler::Reload, and removes the old
// one; if anything fails it restores the old database (and if even that fails, on_fatal: the
// replica stops). Open finishes an interrupted install: with the marker present the old database
// is put back; leftover downloads and backups are removed.
//
// Entries at or below the applied index are skipped (the database holds them already): the Raft
// server hands them out again after a snapshot install whose checkpoint is newer than the
// announced snapshot, or after a restart where the database is ahead of the log.
//
// Failures: a non-OK status from the handler, or a failed flush, leaves the state machine failed:
// every later Apply, TakeSnapshot, Flush and CreateCheckpoint returns that error (a batch holding
// part of an entry is never committed), so the Raft server stops the replica.
//
// Thread-safety: the raft::StateMachine methods are called from the apply strand; Flush,
// FlushIfNeeded, CreateCheckpoint, applied(), flushed() and db() may be called from any thread.
// One mutex serializes them with Apply, which holds it while the handler runs: the handler
// (Apply, Reload, OnFlushed, all called under it) must not call back into the DbStateMachine
// (it asks for a flush with ApplyContext::flush_after instead).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "ha/apply_handler.h"
#include "ha/checkpoint_fetcher.h"
#include "ha/raft/server/state_machine.h"
#include "ha/transaction_info.h"
#include "storage/db_definition.h"
#include "storage/db_store.h"

namespace ozone::ha {

struct DbStateMachineOptions {
  // The database directory (<ozone.metadata.dirs>/scm.db) and its schema.
  std::string db_path;
  const storage::DBDefinition* definition = nullptr;
  // The column family holding "#TRANSACTIONINFO" (SCM: scmTransactionInfos; OM:
  // transactionInfoTable).
  std::string transaction_info_table;
  // Where downloaded checkpoints and the backup of a replaced database go; on the file system of
  // db_path (they are moved by rename). Owned by the state machine: Open removes whatever it
  // holds. Default: "<db_path>.snapshots".
  std::string snapshot_dir;
  // Commit the buffer once this many entries are pending; with double_buffer, Apply waits
  // while this many are unflushed instead. Default: 10000.
  uint64_t max_pending_entries = 10'000;
  // Commit continuously from a flush thread (OM's double buffer, see above). Default: false.
  bool double_buffer = false;
  // Sync the RocksDB WAL on each flush (hadoop.hdds.db.rocksdb.writeoption.sync). Without it a
  // machine crash may take the last flushes, which the Raft log replays: TakeSnapshot syncs before
  // it reports an index the log may be purged up to. Default: false (Ozone's default).
  bool sync = false;
  // With double_buffer: once entries are pending, the flush thread waits up to this long for more
  // (a quarter of max_pending_entries ends the wait at once) so that one commit carries more of
  // them. Clients are answered at apply, so this delays nothing they wait for; the table caches
  // hold the entries that much longer. Default: 0 (commit at once).
  std::chrono::microseconds flush_gather{0};
  // Called when the replica cannot go on and no Raft call can report it: the flush on a
  // leadership change failed, or the old database could not be restored after a failed snapshot
  // install. Default: log and abort the process (as RaftServerOptions::on_fatal).
  std::function<void(const Status&)> on_fatal;
};

// How entries were grouped into commits (Ozone's OzoneManagerDoubleBufferMetrics).
struct FlushStats {
  uint64_t flushes = 0;            // commits that held at least one entry
  uint64_t flushed_entries = 0;    // entries in those commits
  uint64_t max_entries_in_flush = 0;
  uint64_t wakeups = 0;  // times applied entries woke the flush thread (double buffer)
  double AverageEntriesPerFlush() const {
    return flushes == 0 ? 0.0 : static_cast<double>(flushed_entries) / flushes;
  }
};

class DbStateMachine : public raft::StateMachine {
 public:
  // Opens (or creates) the database and loads the TransactionInfo; calls handler->Reload;
  // starts the flush thread with double_buffer. `handler` must outlive the state machine.
  static Result<std::unique_ptr<DbStateMachine>> Open(DbStateMachineOptions options,
                                                      ApplyHandler* handler,
                                                      std::unique_ptr<CheckpointFetcher> fetcher,
                                                      const Clock* clock = &Clock::Real());
  // Stops the flush thread (what it did not commit is replayed from the log on restart: call
  // Flush() first for a clean shutdown).
  ~DbStateMachine() override;

  // raft::StateMachine. LastAppliedIndex is the flushed index (what the database holds).
  LogIndex LastAppliedIndex() const override;
  Result<std::string> Apply(const raft::Entry& entry) override;
  // Answers given on this thread while the batch is applied (framed calls' replies) go out
  // together at its end: one write per client connection (rpc::BeginFramedReplyBatch).
  void OnApplyingBatch() override;
  // Sends those answers. With double_buffer: the flush thread is woken here, after the batch's
  // answers went out, instead of by each Apply (once this was called: a caller of Apply alone
  // wakes it per entry).
  void OnAppliedBatch() override;
  Result<LogIndex> TakeSnapshot() override;
  Status InstallSnapshot(const raft::SnapshotMeta& meta, const raft::PeerInfo& leader) override;
  void OnEvent(const raft::Event& event) override;

  // Commits the open batch (with the TransactionInfo of the last applied entry). A failure is
  // a local I/O error: the caller stops the replica.
  Status Flush();
  // Flushes if something is pending and the last flush is older than `interval` (the leader's
  // timer service).
  Status FlushIfNeeded(std::chrono::milliseconds interval);
  // Flushes and writes a RocksDB checkpoint of the database into `dir` (must not exist; on the
  // file system of db_path, so that files are hard linked); returns the TransactionInfo it
  // covers (served to followers).
  Result<TransactionInfo> CreateCheckpoint(const std::string& dir);

  // The applied and the flushed positions.
  TransactionInfo applied() const;
  TransactionInfo flushed() const;
  FlushStats flush_stats() const;
  // The flush thread is waiting for more entries before a commit (options.flush_gather).
  bool gathering() const;
  // The open database (replaced by InstallSnapshot: do not keep the pointer across one).
  storage::DBStore* db();
  // DbStateMachineOptions::snapshot_dir (with its default applied): where a
  // CheckpointTransferService serving this database writes its temporary checkpoints.
  const std::string& snapshot_dir() const;

  // Raft events are passed on here (after the state machine's own handling: a flush on
  // leadership change).
  void SetEventListener(std::function<void(const raft::Event&)> listener);

 private:
  DbStateMachine() = default;
  // ... (implementation state)
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozone::ha
