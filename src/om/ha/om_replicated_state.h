// OmReplicatedState: what every OM replica holds and changes only by applying the log: the
// namespace tables behind their caches (OmMetadataManager), the retry cache, the stateful
// services' configurations (ha::ServiceConfigState over statefulServiceConfigTable), the prepare
// state (OmPrepareState) and the apply handler over them. OpenStateMachine opens om.db through an ha::DbStateMachine in double-buffer
// mode (Ozone's OzoneManagerDoubleBuffer: a flush thread commits applied entries in batches with
// #TRANSACTIONINFO; Apply waits past ozone.om.unflushed.transaction.max.count unflushed).
//
//   OmReplicatedState state(options);
//   auto sm = state.OpenStateMachine("<meta>/om.db", fetcher);   // DbStateMachine
//   // HaNode::Start(..., sm.get(), &context, &services) -> the Replicator for OmExecutionFlow
//
// Thread-safety: as the parts.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "ha/db_state_machine.h"
#include "ha/stateful_service.h"
#include "om/ha/om_apply_handler.h"
#include "om/ha/retry_cache.h"
#include "om/metadata/om_metadata_manager.h"
#include "om/om_options.h"

namespace ozone::om {

// The DbStateMachine options of om.db at `db_path` for `options` (schema, transactionInfoTable,
// double buffer and its back-pressure).
ha::DbStateMachineOptions OmStateMachineOptions(const OmOptions& options, std::string db_path);

class OmReplicatedState {
 public:
  explicit OmReplicatedState(OmOptions options);

  // Opens om.db with this state's handler (the state must outlive the state machine).
  // `sm_options` from OmStateMachineOptions, adjusted by the caller if needed (snapshot_dir,
  // sync, on_fatal).
  Result<std::unique_ptr<ha::DbStateMachine>> OpenStateMachine(
      ha::DbStateMachineOptions sm_options, std::unique_ptr<ha::CheckpointFetcher> fetcher,
      const Clock* clock = &Clock::Real());

  const OmOptions& options() const { return options_; }
  OmMetadataManager& metadata() { return metadata_; }
  RetryCache& retry_cache() { return retry_cache_; }
  ha::ServiceConfigState& service_configs() { return service_configs_; }
  OmPrepareState& prepare() { return prepare_; }
  ProposedEntries& proposed() { return proposed_; }
  OmApplyHandler& handler() { return handler_; }

 private:
  const OmOptions options_;
  OmMetadataManager metadata_;
  RetryCache retry_cache_;
  ha::ServiceConfigState service_configs_;
  OmPrepareState prepare_;
  ProposedEntries proposed_;  // what this OM's OmExecutionFlow proposed, for handler_
  OmApplyHandler handler_;
};

}  // namespace ozone::om
