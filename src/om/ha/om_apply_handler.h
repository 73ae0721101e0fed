// OmApplyHandler: OM's ha::ApplyHandler (Ozone's OzoneManagerStateMachine.applyTransaction +
// OMClientRequest.validateAndUpdateCache): decodes each log entry (OMLogEntry; one this OM
// proposed is taken from ProposedEntries instead), refuses a version it does not know (a fatal
// error: never skip an entry), answers a retried write from the retry cache, otherwise runs the
// request's ValidateAndUpdateCache, puts its row changes into the table caches (epoch = index)
// and the double buffer's batch, records the response in the retry cache, and returns the
// encoded OMResponse for the proposer. Deterministic: it uses only the entry
// (its index and leader time), the replicated state and the options.
//
// SetServiceConfiguration entries go to ha::ServiceConfigState (statefulServiceConfigTable, with
// a flush right after, as SCM does); Prepare and CancelPrepare to OmPrepareState.
//
// After each flush (OnFlushedThrough) it evicts the flushed changes from the caches; Reload
// rebinds the caches and the retry cache to a (re)opened om.db; OnDatabaseClosing unbinds them
// before a snapshot install closes it.
//
// Thread-safety: as ha::ApplyHandler (the state machine serializes the calls).
#pragma once

#include "ha/apply_handler.h"
#include "ha/stateful_service.h"
#include "om/ha/om_prepare_state.h"
#include "om/ha/proposed_entries.h"
#include "om/ha/retry_cache.h"
#include "om/metadata/om_metadata_manager.h"
#include "om/om_options.h"
#include "om/response/om_client_response.h"

namespace ozone::om {

// The newest OMLogEntry.version this OM applies.
inline constexpr uint32_t kOmLogEntryVersion = 1;

class OmApplyHandler : public ha::ApplyHandler {
 public:
  // All must outlive the handler. `proposed` (may be null): the entries this OM proposed, taken
  // instead of parsing their bytes.
  OmApplyHandler(const OmOptions* options, OmMetadataManager* metadata, RetryCache* retry_cache,
                 ha::ServiceConfigState* service_configs, OmPrepareState* prepare,
                 ProposedEntries* proposed = nullptr);

  Result<std::string> Apply(std::string_view payload, ha::ApplyContext& ctx) override;
  ozone::Status Reload(storage::DBStore& db) override;
  void OnDatabaseClosing() override;
  void OnFlushedThrough(const ha::TransactionInfo& flushed) override;
  // Writes the bucket rows of the entries applied since the last commit, each once.
  void BeforeCommit(storage::WriteBatch& batch) override;

 private:
  // Moves the request out of `entry`.
  Result<OMResponse> ApplyRequest(OMLogEntry& entry, ha::ApplyContext& ctx);

  const OmOptions* options_;
  OmMetadataManager* metadata_;
  RetryCache* retry_cache_;
  ha::ServiceConfigState* service_configs_;
  OmPrepareState* prepare_;
  ProposedEntries* proposed_;
  // Bucket rows written by entries applied since the last commit, last value per bucket: a key
  // commit rewrites its bucket's usage, and the batch needs only the last one (one memtable
  // insert per batch instead of one per commit). Accessed under the DbStateMachine's mutex.
  CoalescedRows pending_buckets_;
};

}  // namespace ozone::om
