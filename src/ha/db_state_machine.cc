#include "ha/db_state_machine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "common/io/file_util.h"
#include "common/thread_name.h"
#include "rpc/framed_server.h"

namespace ozone::ha {

namespace fs = std::filesystem;

namespace {

// The marker present while a snapshot install swaps databases; holds the backup's path.
constexpr char kInstallMarkerSuffix[] = ".install-in-progress";

std::string BaseName(const std::string& path) {
  fs::path p(path);
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

std::string ParentDir(const std::string& path) {
  fs::path p = fs::absolute(fs::path(path));
  if (!p.has_filename()) p = p.parent_path();
  return p.parent_path().string();
}

Status Rename(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) return Status::IoError("cannot move " + from + " to " + to + ": " + ec.message());
  return Status::OK();
}

Status RemoveAll(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Status::IoError("cannot remove " + path + ": " + ec.message());
  return Status::OK();
}

}  // namespace

struct DbStateMachine::Impl {
  DbStateMachineOptions options;
  ApplyHandler* handler = nullptr;
  std::unique_ptr<CheckpointFetcher> fetcher;
  const Clock* clock = nullptr;
  std::string base_name;  // the database directory's name ("scm.db")

  mutable std::mutex mu;
  std::unique_ptr<storage::DBStore> db;   // guarded by mu
  storage::RawTable* ti_table = nullptr;  // guarded by mu; a table of `db`
  storage::WriteBatch batch;              // guarded by mu: the transaction buffer
  TransactionInfo applied;                // guarded by mu
  TransactionInfo flushed;                // guarded by mu
  uint64_t pending = 0;                   // guarded by mu: entries in `batch`
  uint64_t in_flight = 0;                 // guarded by mu: entries the flush thread commits
  bool flushing = false;                  // guarded by mu: a background commit is under way
  bool stopping = false;                  // guarded by mu: the flush thread must exit
  FlushStats stats;                       // guarded by mu
  // Wakes the flush thread (entries pending), Apply (room under the back-pressure limit) and
  // synchronous flushes (the background commit finished).
  std::condition_variable cv;
  // Wakes the flush thread while it gathers entries (options.flush_gather) once enough are there.
  std::condition_variable gather_cv;
  bool gathering = false;                 // guarded by mu
  // guarded by mu: OnAppliedBatch is called (it wakes the flush thread), and an Apply since the
  // last one left entries for it.
  bool batch_hook = false;
  bool wake_after_batch = false;
  uint64_t GatherTarget() const { return std::max<uint64_t>(1, options.max_pending_entries / 4); }
  std::thread flusher;
  Clock::SteadyTime last_flush;           // guarded by mu
  Status failed;                          // guarded by mu: non-OK once the replica cannot go on
  uint64_t downloads = 0;                 // guarded by mu

  bool leader = false;  // apply strand only

  std::mutex listener_mu;
  std::function<void(const raft::Event&)> listener;  // guarded by listener_mu

  std::string MarkerPath() const {
    return options.snapshot_dir + "/" + base_name + kInstallMarkerSuffix;
  }

  // Opens the database at db_path, reads its TransactionInfo and reloads the handler.
  // REQUIRES: mu held, db closed.
  Status LoadLocked();
  // Commits the buffer with the TransactionInfo, after the background commit in progress.
  // REQUIRES: l holds mu.
  Status FlushLocked(std::unique_lock<std::mutex>& l);
  // The flush thread of the double buffer.
  void FlushLoop();
  void RecordFlush(uint64_t entries);  // REQUIRES: mu held.
  // Puts the backup back in place of db_path and reopens it. REQUIRES: mu held.
  Status RestoreLocked(const std::string& backup);
  // Finishes an interrupted install and removes leftovers in snapshot_dir (Open).
  Status RecoverSnapshotDir();
  void Fatal(const Status& status);
};

Status DbStateMachine::Impl::LoadLocked() {
  ti_table = nullptr;
  OZ_ASSIGN_OR_RETURN(db, storage::DBStore::Open(options.db_path, *options.definition));
  OZ_ASSIGN_OR_RETURN(ti_table, db->Table(options.transaction_info_table));
  OZ_ASSIGN_OR_RETURN(std::optional<std::string> stored, ti_table->Get(kTransactionInfoKey));
  TransactionInfo ti;
  if (stored) {
    Result<TransactionInfo> decoded = DecodeTransactionInfo(*stored);
    if (!decoded.ok()) {
      return decoded.status().WithContext(std::string(kTransactionInfoKey) + " in " +
                                          options.db_path);
    }
    ti = *decoded;
  }
  OZ_RETURN_IF_ERROR(handler->Reload(*db).WithContext("reloading from " + options.db_path));
  applied = ti;
  flushed = ti;
  pending = 0;
  batch.Clear();
  last_flush = clock->SteadyNow();
  return Status::OK();
}

void DbStateMachine::Impl::RecordFlush(uint64_t entries) {
  if (entries == 0) return;
  ++stats.flushes;
  stats.flushed_entries += entries;
  stats.max_entries_in_flush = std::max(stats.max_entries_in_flush, entries);
}

void DbStateMachine::Impl::FlushLoop() {
  std::unique_lock<std::mutex> l(mu);
  while (true) {
    cv.wait(l, [&] { return stopping || (pending > 0 && !flushing && failed.ok()); });
    if (stopping) return;
    if (options.flush_gather.count() > 0 && pending < GatherTarget()) {
      gathering = true;
      gather_cv.wait_for(l, options.flush_gather, [&] {
        return stopping || pending >= GatherTarget() || !failed.ok();
      });
      gathering = false;
      if (stopping) return;
      if (pending == 0 || flushing || !failed.ok()) continue;
    }
    // Swap: Apply goes on into the empty batch while this one is committed.
    handler->BeforeCommit(batch);
    storage::WriteBatch ready = std::move(batch);
    batch = storage::WriteBatch();
    TransactionInfo last = applied;
    uint64_t entries = pending;
    in_flight = entries;
    pending = 0;
    flushing = true;
    storage::DBStore* store = db.get();
    storage::RawTable* table = ti_table;
    l.unlock();
    ready.Put(*table, kTransactionInfoKey, EncodeTransactionInfo(last));
    Status s = store->Commit(ready, storage::CommitOptions{.sync = options.sync});
    l.lock();
    flushing = false;
    in_flight = 0;
    if (!s.ok()) {
      if (failed.ok()) failed = s.WithContext("flushing the double buffer through " + last.ToString());
      Status fatal = failed;
      cv.notify_all();
      l.unlock();
      Fatal(fatal);
      l.lock();
      continue;
    }
    flushed = last;
    last_flush = clock->SteadyNow();
    RecordFlush(entries);
    handler->OnFlushedThrough(flushed);
    cv.notify_all();
  }
}

Status DbStateMachine::Impl::FlushLocked(std::unique_lock<std::mutex>& l) {
  OZ_RETURN_IF_ERROR(failed);
  cv.wait(l, [&] { return !flushing; });
  OZ_RETURN_IF_ERROR(failed);
  if (pending == 0 && batch.Empty()) return Status::OK();
  handler->BeforeCommit(batch);
  batch.Put(*ti_table, kTransactionInfoKey, EncodeTransactionInfo(applied));
  Status s = db->Commit(batch, storage::CommitOptions{.sync = options.sync});
  if (!s.ok()) {
    failed = s.WithContext("flushing the transaction buffer through " + applied.ToString());
    return failed;
  }
  batch.Clear();
  flushed = applied;
  RecordFlush(pending);
  pending = 0;
  last_flush = clock->SteadyNow();
  handler->OnFlushedThrough(flushed);
  if (options.double_buffer) cv.notify_all();
  return Status::OK();
}

Status DbStateMachine::Impl::RestoreLocked(const std::string& backup) {
  if (db) handler->OnDatabaseClosing();
  db.reset();
  ti_table = nullptr;
  std::error_code ec;
  if (fs::exists(options.db_path, ec)) OZ_RETURN_IF_ERROR(RemoveAll(options.db_path));
  OZ_RETURN_IF_ERROR(Rename(backup, options.db_path));
  OZ_RETURN_IF_ERROR(io::SyncDirectory(ParentDir(options.db_path)));
  OZ_RETURN_IF_ERROR(LoadLocked());
  return RemoveAll(MarkerPath());
}

Status DbStateMachine::Impl::RecoverSnapshotDir() {
  OZ_RETURN_IF_ERROR(io::CreateDirectories(options.snapshot_dir));
  std::error_code ec;
  std::string marker = MarkerPath();
  if (fs::exists(marker, ec)) {
    // The install did not finish: the old database is the consistent one.
    OZ_ASSIGN_OR_RETURN(std::string backup, io::ReadFile(marker));
    if (!backup.empty() && fs::exists(backup, ec)) {
      spdlog::warn("restoring {} from {}: a snapshot install was interrupted", options.db_path,
                   backup);
      if (fs::exists(options.db_path, ec)) OZ_RETURN_IF_ERROR(RemoveAll(options.db_path));
      OZ_RETURN_IF_ERROR(Rename(backup, options.db_path));
      OZ_RETURN_IF_ERROR(io::SyncDirectory(ParentDir(options.db_path)));
    }
    OZ_RETURN_IF_ERROR(RemoveAll(marker));
  }
  // Whatever else is here is a leftover: downloads, backups of finished installs.
  for (const auto& entry : fs::directory_iterator(options.snapshot_dir, ec)) {
    OZ_RETURN_IF_ERROR(RemoveAll(entry.path().string()));
  }
  if (ec) return Status::IoError("cannot list " + options.snapshot_dir + ": " + ec.message());
  return Status::OK();
}

void DbStateMachine::Impl::Fatal(const Status& status) {
  {
    std::lock_guard<std::mutex> l(mu);
    if (failed.ok()) failed = status;
  }
  if (options.on_fatal) {
    options.on_fatal(status);
    return;
  }
  spdlog::critical("{}: cannot continue: {}", options.db_path, status.ToString());
  spdlog::shutdown();
  std::abort();
}

// ------------------------------------------------------------------------------------------------

Result<std::unique_ptr<DbStateMachine>> DbStateMachine::Open(
    DbStateMachineOptions options, ApplyHandler* handler,
    std::unique_ptr<CheckpointFetcher> fetcher, const Clock* clock) {
  if (options.definition == nullptr || options.db_path.empty() ||
      options.transaction_info_table.empty() || handler == nullptr) {
    return Status::InvalidArgument(
        "a DbStateMachine needs a database path, a definition, a transaction info table and "
        "an apply handler");
  }
  if (options.snapshot_dir.empty()) options.snapshot_dir = options.db_path + ".snapshots";
  std::unique_ptr<DbStateMachine> sm(new DbStateMachine());
  sm->impl_ = std::make_unique<Impl>();
  Impl& impl = *sm->impl_;
  impl.options = std::move(options);
  impl.handler = handler;
  impl.fetcher = std::move(fetcher);
  impl.clock = clock;
  impl.base_name = BaseName(impl.options.db_path);
  OZ_RETURN_IF_ERROR(io::CreateDirectories(ParentDir(impl.options.db_path)));
  OZ_RETURN_IF_ERROR(impl.RecoverSnapshotDir());
  {
    std::lock_guard<std::mutex> l(impl.mu);
    OZ_RETURN_IF_ERROR(impl.LoadLocked());
  }
  spdlog::info("opened {} at {}", impl.options.db_path, impl.applied.ToString());
  if (impl.options.double_buffer) {
    impl.flusher = std::thread([&impl] {
      NameThisThread("double-buffer");
      impl.FlushLoop();
    });
  }
  return sm;
}

DbStateMachine::~DbStateMachine() {
  if (!impl_ || !impl_->flusher.joinable()) return;
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->gather_cv.notify_all();
  impl_->flusher.join();
}

LogIndex DbStateMachine::LastAppliedIndex() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->flushed.index;
}

Result<std::string> DbStateMachine::Apply(const raft::Entry& entry) {
  Impl& impl = *impl_;
  std::unique_lock<std::mutex> l(impl.mu);
  OZ_RETURN_IF_ERROR(impl.failed);
  if (entry.index <= impl.applied.index) return std::string();  // the database has it
  if (impl.options.double_buffer) {
    // Back-pressure: wait for the flush thread to make room.
    impl.cv.wait(l, [&] {
      return !impl.failed.ok() || impl.pending + impl.in_flight < impl.options.max_pending_entries;
    });
    OZ_RETURN_IF_ERROR(impl.failed);
  }
  TransactionInfo ti{entry.term, entry.index};
  std::string response;
  bool flush = false;
  if (entry.type == raft::EntryType::kNormal) {
    ApplyContext ctx{ti, impl.db.get(), &impl.batch};
    Result<std::string> r = impl.handler->Apply(entry.bytes(), ctx);
    if (!r.ok()) {
      // The buffer may hold part of the entry: it must never be committed.
      impl.failed = r.status().WithContext("applying " + ti.ToString());
      return impl.failed;
    }
    response = std::move(r).value();
    flush = ctx.flush_after;
  }
  impl.applied = ti;
  ++impl.pending;
  if (impl.gathering && impl.pending >= impl.GatherTarget()) impl.gather_cv.notify_one();
  if (impl.options.double_buffer) {
    if (flush) OZ_RETURN_IF_ERROR(impl.FlushLocked(l));
    if (impl.batch_hook) {
      impl.wake_after_batch = true;
    } else {
      ++impl.stats.wakeups;
      impl.cv.notify_all();
    }
  } else if (flush || impl.pending >= impl.options.max_pending_entries) {
    OZ_RETURN_IF_ERROR(impl.FlushLocked(l));
  }
  return response;
}

void DbStateMachine::OnApplyingBatch() { rpc::BeginFramedReplyBatch(); }

void DbStateMachine::OnAppliedBatch() {
  rpc::EndFramedReplyBatch();
  Impl& impl = *impl_;
  std::lock_guard<std::mutex> l(impl.mu);
  impl.batch_hook = true;
  if (!impl.wake_after_batch) return;
  impl.wake_after_batch = false;
  ++impl.stats.wakeups;
  impl.cv.notify_all();
}

Result<LogIndex> DbStateMachine::TakeSnapshot() {
  std::unique_lock<std::mutex> l(impl_->mu);
  OZ_RETURN_IF_ERROR(impl_->FlushLocked(l));
  // The log is purged on the strength of this index: it must survive a machine crash.
  if (!impl_->options.sync) OZ_RETURN_IF_ERROR(impl_->db->SyncWal());
  return impl_->flushed.index;
}

Status DbStateMachine::InstallSnapshot(const raft::SnapshotMeta& meta,
                                       const raft::PeerInfo& leader) {
  Impl& impl = *impl_;
  if (!impl.fetcher) {
    return Status::FailedPrecondition("no checkpoint fetcher: cannot install the snapshot of " +
                                      leader.id);
  }
  std::string download;
  {
    std::lock_guard<std::mutex> l(impl.mu);
    OZ_RETURN_IF_ERROR(impl.failed);
    download = impl.options.snapshot_dir + "/" + impl.base_name + "-" + leader.id + "-" +
               std::to_string(impl.clock->WallMillis()) + "-" + std::to_string(++impl.downloads);
  }
  OZ_RETURN_IF_ERROR(io::CreateDirectories(impl.options.snapshot_dir));
  OZ_RETURN_IF_ERROR(RemoveAll(download));
  // The download runs without the lock: flushes and checkpoints go on meanwhile.
  Result<TransactionInfo> fetched = impl.fetcher->Fetch(leader, download);
  if (!fetched.ok()) {
    RemoveAll(download).IgnoreError();
    return fetched.status().WithContext("downloading the checkpoint of " + leader.id);
  }

  std::unique_lock<std::mutex> l(impl.mu);
  OZ_RETURN_IF_ERROR(impl.failed);
  // The flush thread must not be committing into the database about to be replaced.
  impl.cv.wait(l, [&] { return !impl.flushing; });
  OZ_RETURN_IF_ERROR(impl.failed);
  TransactionInfo before = impl.applied;
  if (fetched->index < impl.applied.index || fetched->index < meta.index) {
    RemoveAll(download).IgnoreError();
    return Status::FailedPrecondition("checkpoint is too old to install: the checkpoint of " +
                                      leader.id + " covers " + fetched->ToString() +
                                      ", applied here " + impl.applied.ToString() +
                                      ", snapshot index " + std::to_string(meta.index.value()));
  }

  std::string backup = impl.options.snapshot_dir + "/" + impl.base_name + ".backup." +
                       std::to_string(impl.applied.index.value()) + "_" +
                       std::to_string(impl.clock->WallMillis());
  OZ_RETURN_IF_ERROR(io::WriteFileAtomically(impl.MarkerPath(), backup));
  // Stop using the database; the pending buffer is covered by the checkpoint.
  impl.handler->OnDatabaseClosing();
  impl.db.reset();
  impl.ti_table = nullptr;
  impl.batch.Clear();
  Status s = Rename(impl.options.db_path, backup);
  if (!s.ok()) {
    // Nothing moved: reopen the database where it is.
    Status reopened = impl.LoadLocked();
    if (reopened.ok()) reopened = RemoveAll(impl.MarkerPath());
    RemoveAll(download).IgnoreError();
    if (!reopened.ok()) {
      Status fatal = reopened.WithContext("reopening " + impl.options.db_path +
                                          " after a failed snapshot install");
      l.unlock();
      impl.Fatal(fatal);
      return fatal;
    }
    return s.WithContext("installing the checkpoint of " + leader.id);
  }
  s = Rename(download, impl.options.db_path);
  if (s.ok()) s = io::SyncDirectory(ParentDir(impl.options.db_path));
  if (s.ok()) s = impl.LoadLocked();
  if (s.ok() && (impl.applied.index < fetched->index || impl.applied.index < meta.index)) {
    s = Status::Corruption("the installed checkpoint holds " + impl.applied.ToString() +
                           ", not the announced " + fetched->ToString());
  }
  if (!s.ok()) {
    spdlog::warn("installing the checkpoint of {} into {} failed ({}); restoring the database",
                 leader.id, impl.options.db_path, s.ToString());
    Status restored = impl.RestoreLocked(backup);
    RemoveAll(download).IgnoreError();
    if (!restored.ok()) {
      Status fatal =
          restored.WithContext("restoring " + impl.options.db_path +
                               " after a failed snapshot install (" + s.ToString() + ")");
      l.unlock();
      impl.Fatal(fatal);
      return fatal;
    }
    return s.WithContext("installing the checkpoint of " + leader.id);
  }
  OZ_RETURN_IF_ERROR(RemoveAll(impl.MarkerPath()));
  RemoveAll(backup).IgnoreError();
  spdlog::info("installed the checkpoint of {} into {}: {} (was {})", leader.id,
               impl.options.db_path, impl.applied.ToString(), before.ToString());
  return Status::OK();
}

void DbStateMachine::OnEvent(const raft::Event& event) {
  Impl& impl = *impl_;
  if (event.type == raft::Event::Type::kRoleChanged) {
    bool leader = event.role == raft::Role::kLeader;
    if (leader != impl.leader) {
      impl.leader = leader;
      // Ozone flushes when leadership changes hands.
      Status s = Flush();
      if (!s.ok()) impl.Fatal(s.WithContext("flushing on a leadership change"));
    }
  }
  std::function<void(const raft::Event&)> listener;
  {
    std::lock_guard<std::mutex> l(impl.listener_mu);
    listener = impl.listener;
  }
  if (listener) listener(event);
}

Status DbStateMachine::Flush() {
  std::unique_lock<std::mutex> l(impl_->mu);
  return impl_->FlushLocked(l);
}

Status DbStateMachine::FlushIfNeeded(std::chrono::milliseconds interval) {
  std::unique_lock<std::mutex> l(impl_->mu);
  if (impl_->pending == 0) return impl_->failed;
  if (impl_->clock->SteadyNow() - impl_->last_flush < interval) return impl_->failed;
  return impl_->FlushLocked(l);
}

Result<TransactionInfo> DbStateMachine::CreateCheckpoint(const std::string& dir) {
  std::unique_lock<std::mutex> l(impl_->mu);
  OZ_RETURN_IF_ERROR(impl_->FlushLocked(l));
  OZ_RETURN_IF_ERROR(impl_->db->CreateCheckpoint(dir));
  return impl_->flushed;
}

TransactionInfo DbStateMachine::applied() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->applied;
}

TransactionInfo DbStateMachine::flushed() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->flushed;
}

bool DbStateMachine::gathering() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->gathering;
}

FlushStats DbStateMachine::flush_stats() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->stats;
}

storage::DBStore* DbStateMachine::db() {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->db.get();
}

const std::string& DbStateMachine::snapshot_dir() const { return impl_->options.snapshot_dir; }

void DbStateMachine::SetEventListener(std::function<void(const raft::Event&)> listener) {
  std::lock_guard<std::mutex> l(impl_->listener_mu);
  impl_->listener = std::move(listener);
}

}  // namespace ozone::ha
