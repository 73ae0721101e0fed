// OmPrepareState: the upgrade barrier of an OM (Ozone's OzoneManagerPrepareState and its
// OMPrepareRequest / OMCancelPrepareRequest).
//
// `ozone admin om prepare` logs a Prepare entry. Applying it (on every replica, at the same
// index) writes "#PREPAREDINFO" (term, index) into transactionInfoTable and has the batch
// flushed at once; from then on the OM, as leader, logs no write but Prepare and CancelPrepare:
// the others are answered NOT_SUPPORTED_OPERATION_WHEN_PREPARED. Once the flush covers the
// entry, the status is PREPARE_COMPLETED and `on_completed` runs (the OM takes a Raft snapshot
// there, purging the log up to it). The gate is where writes are logged (Ozone's
// preAppendTransaction), not in apply: SubmitIfAllowed checks it and hands the write to the log
// under one lock, and logging a Prepare closes it under the same lock
// (PREPARE_GATE_ENABLED), so no write lands behind the Prepare. Replicas apply whatever the log
// holds, so one whose prepare was cancelled locally (`--upgrade`) never disagrees with the others.
// CancelPrepare deletes the row and opens the gate.
//
// The row is replicated state: it survives restarts and travels in checkpoints, so an OM that
// restarts or installs a checkpoint after the prepare comes back prepared. `ozone om --upgrade`
// (CancelOnLoad) deletes it from the local om.db when it is opened, as Ozone's start-up cancels
// its prepare marker.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>

#include "common/result.h"
#include "ha/apply_handler.h"
#include "om.pb.h"
#include "storage/db_store.h"

namespace ozone::om {

inline constexpr char kPreparedInfoKey[] = "#PREPAREDINFO";
// currentTxnIndex when not prepared: Ozone's NO_PREPARE_INDEX (-1 as a uint64).
inline constexpr uint64_t kNoPrepareIndex = ~uint64_t{0};

class OmPrepareState {
 public:
  // Whether the leader may log a write of `type` now (Ozone's requestAllowed).
  bool RequestAllowed(Type type) const;
  // The refusal of a write of `type` in prepare mode (Ozone's message).
  static OMResponse Refusal(Type type);

  // Leader: runs `submit` (which hands a write of `type` to the log) unless the gate refuses
  // it; false if refused. A Prepare closes the gate first, and no other write is handed over
  // while it does, so every write is logged before the Prepare or not at all.
  bool SubmitIfAllowed(Type type, const std::function<void()>& submit);
  // Leader: the outcome of a Prepare handed over by SubmitIfAllowed.
  void PrepareSubmitted(bool ok);

  // Apply of the Prepare / CancelPrepare entry at ctx.ti.
  OMResponse ApplyPrepare(const OMRequest& request, ha::ApplyContext& ctx);
  Result<OMResponse> ApplyCancel(const OMRequest& request, ha::ApplyContext& ctx);

  // After each flush: the prepare completes once the flush covers its entry.
  void OnFlushedThrough(uint64_t flushed_index);
  // om.db was (re)opened: the prepared state is the row's (or cancelled, see CancelOnLoad).
  ozone::Status Reload(storage::DBStore& db);
  // The next Reload deletes the row instead (`ozone om --upgrade`).
  void CancelOnLoad() { cancel_on_load_ = true; }
  // Runs (outside the state's lock) when a prepare completes.
  void SetOnCompleted(std::function<void(uint64_t index)> on_completed);

  PrepareStatusResponse StatusResponse() const;

 private:
  std::shared_mutex submit_mu_;  // shared: a write handed to the log; unique: a Prepare
  mutable std::mutex mu_;
  bool gate_ = false;                 // the leader closed it before the entry applied
  std::optional<uint64_t> prepared_;  // the applied Prepare's index
  bool completed_ = false;            // the flush covers it
  std::atomic<bool> cancel_on_load_{false};
  std::function<void(uint64_t)> on_completed_;
};

}  // namespace ozone::om
