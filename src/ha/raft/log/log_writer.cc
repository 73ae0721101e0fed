#include "ha/raft/log/log_writer.h"

#include <utility>

namespace ozone::raft {

LogWriter::LogWriter(LogStore* log, const LogWriterOptions& options)
    : log_(log), options_(options), thread_([this] { Run(); }) {}

LogWriter::~LogWriter() { Stop(StopMode::kDrain); }

Status LogWriter::Persist(std::optional<HardState> hard_state, std::vector<Entry> entries,
                          Callback done, Lead lead) {
  Op op;
  op.kind = Op::Kind::kPersist;
  op.hard_state = std::move(hard_state);
  op.entries = std::move(entries);
  op.done = std::move(done);
  return Submit(std::move(op), lead);
}

Status LogWriter::Purge(LogIndex up_to, Callback done, Lead lead) {
  Op op;
  op.kind = Op::Kind::kPurge;
  op.purge_up_to = up_to;
  op.done = std::move(done);
  return Submit(std::move(op), lead);
}

Status LogWriter::ResetToSnapshot(SnapshotMeta snapshot, Callback done, Lead lead) {
  Op op;
  op.kind = Op::Kind::kReset;
  op.snapshot = std::move(snapshot);
  op.done = std::move(done);
  return Submit(std::move(op), lead);
}

Status LogWriter::Submit(Op op, Lead lead) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return Status::Aborted("the log writer is stopped");
  if (busy_ || !queue_.empty() || lead == Lead::kWriterThread) {
    // The request joins the next batch, which the writer thread takes once the current one is
    // done (whoever runs that one wakes the writer then, if it is a submitter).
    const bool wake = !busy_ && queue_.empty();
    queue_.push_back(std::move(op));
    lock.unlock();
    if (wake) cv_.notify_one();
    return Status::OK();
  }
  // Idle: this thread leads, and executes the request as a batch of one.
  busy_ = true;
  lock.unlock();
  inline_ops_.push_back(std::move(op));
  const Status status = ExecuteBatch(inline_ops_, 0, 1);
  if (inline_ops_[0].done) inline_ops_[0].done(status);
  inline_ops_.clear();
  lock.lock();
  busy_ = false;
  const bool wake = !queue_.empty() || stopping_;
  lock.unlock();
  if (wake) cv_.notify_one();
  return Status::OK();
}

void LogWriter::Stop(StopMode mode) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      abort_ = mode == StopMode::kAbort;
    }
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

LogWriterStats LogWriter::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void LogWriter::Run() {
  std::vector<Op> ops;
  bool executed = false;  // this thread set busy_ for `ops`
  while (true) {
    ops.clear();
    bool abort = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (executed) busy_ = false;
      // A submitting thread may be executing a batch (busy_): it wakes us when it is done.
      cv_.wait(lock, [&] { return !busy_ && (!queue_.empty() || stopping_); });
      if (queue_.empty()) return;  // stopping, nothing left
      ops.swap(queue_);            // queue_ keeps the capacity of the previous batch
      busy_ = true;
      executed = true;
      abort = abort_;
    }
    if (abort) {
      const Status aborted = Status::Aborted("the log writer stopped before this request");
      for (Op& op : ops) {
        if (op.done) op.done(aborted);
      }
      std::lock_guard<std::mutex> lock(mu_);
      stats_.requests += ops.size();
      continue;
    }
    size_t begin = 0;
    while (begin < ops.size()) {
      // A batch: at least one request, then more while within max_batch_bytes.
      size_t end = begin;
      size_t bytes = 0;
      while (end < ops.size() && (end == begin || bytes < options_.max_batch_bytes)) {
        for (const Entry& e : ops[end].entries) bytes += e.ByteSize();
        ++end;
      }
      const Status status = ExecuteBatch(ops, begin, end);
      for (size_t k = begin; k < end; ++k) {
        if (ops[k].done) ops[k].done(status);
      }
      begin = end;
    }
  }
}

Status LogWriter::ExecuteBatch(std::vector<Op>& ops, size_t begin, size_t end) {
  size_t entries = 0;
  bool synced = false;
  bool saved_hard_state = false;
  Status status = failed_;
  if (status.ok()) {
    const HardState* hard_state = nullptr;
    bool appended = false;
    for (size_t k = begin; k < end && status.ok(); ++k) {
      Op& op = ops[k];
      switch (op.kind) {
        case Op::Kind::kPersist:
          if (!op.entries.empty()) {
            status = log_->Append(op.entries);
            appended = true;
            entries += op.entries.size();
          }
          if (op.hard_state) hard_state = &*op.hard_state;
          break;
        case Op::Kind::kPurge:
          status = log_->Purge(op.purge_up_to);
          break;
        case Op::Kind::kReset:
          status = log_->ResetToSnapshot(*op.snapshot);
          break;
      }
    }
    // Entries before the hard state: a saved commit index never points past durable entries.
    if (status.ok() && appended) {
      status = log_->Sync();
      synced = true;
    }
    if (status.ok() && hard_state != nullptr) {
      status = log_->SaveHardState(*hard_state);
      saved_hard_state = true;
    }
    if (!status.ok()) failed_ = status;
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_.requests += end - begin;
  stats_.entries += entries;
  stats_.batches += 1;
  stats_.syncs += synced ? 1 : 0;
  stats_.hard_states += saved_hard_state ? 1 : 0;
  return status;
}

}  // namespace ozone::raft
