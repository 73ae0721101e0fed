// OmPrepareState: the upgrade barrier of an OM (Ozone's OzoneManagerPrepareState and its
// OMPrepareRequest / OMCancelPrepareRequest).
//
// `ozone admin om prepare` logs a Prepare entry. Applying it (on every replica, at the same
// index) writes "#PREPAREDINFO" (term, index) into transactionInfoTable and has the batch
// flushed at once; from then on the replica refuses every write but Prepare and CancelPrepare
// with NOT_SUPPORTED_OPERATION_WHEN_PREPARED, in apply (so all replicas refuse the same entries)
// and before logging. Once the flush covers the entry, the status is PREPARE_COMPLETED and
// `on_completed` runs (the OM takes a Raft snapshot there, purging the log up to it). The leader
// also closes the gate as soon as it logs a Prepare (PREPARE_GATE_ENABLED), so that no new write
// slips in behind it. CancelPrepare deletes the row and opens the gate.
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
  // The refusal of a write of `request`'s type in prepare mode (Ozone's message).
  static OMResponse Refusal(const OMRequest& request);

  // Leader: a Prepare is being logged (the gate closes); its outcome is known.
  void EnableGate();
  void PrepareSubmitted(bool ok);

  // Apply of the Prepare / CancelPrepare entry at ctx.ti.
  OMResponse ApplyPrepare(const OMRequest& request, ha::ApplyContext& ctx);
  Result<OMResponse> ApplyCancel(const OMRequest& request, ha::ApplyContext& ctx);
  // Whether an applied write of `type` goes through (false: refuse it, change nothing).
  bool AppliedAllows(Type type) const;

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
  mutable std::mutex mu_;
  bool gate_ = false;                 // the leader closed it before the entry applied
  std::optional<uint64_t> prepared_;  // the applied Prepare's index
  bool completed_ = false;            // the flush covers it
  std::atomic<bool> cancel_on_load_{false};
  std::function<void(uint64_t)> on_completed_;
};

}  // namespace ozone::om
