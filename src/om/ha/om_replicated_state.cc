#include "om/ha/om_replicated_state.h"

#include "om/metadata/om_db_definition.h"

namespace ozone::om {

ha::DbStateMachineOptions OmStateMachineOptions(const OmOptions& options, std::string db_path) {
  ha::DbStateMachineOptions o;
  o.db_path = std::move(db_path);
  o.definition = &OmDbDefinition();
  o.transaction_info_table = std::string(kTransactionInfoTable.name);
  o.double_buffer = true;
  o.max_pending_entries = options.unflushed_transaction_max_count;
  o.flush_gather = options.double_buffer_gather_interval;
  o.sync = options.rocksdb_write_sync;
  return o;
}

OmReplicatedState::OmReplicatedState(OmOptions options)
    : options_(std::move(options)),
      retry_cache_(options_.retry_cache_expiry, options_.retry_cache_max_entries),
      service_configs_(std::string(kStatefulServiceConfigTable.name)),
      handler_(&options_, &metadata_, &retry_cache_, &service_configs_, &prepare_, &proposed_) {}

Result<std::unique_ptr<ha::DbStateMachine>> OmReplicatedState::OpenStateMachine(
    ha::DbStateMachineOptions sm_options, std::unique_ptr<ha::CheckpointFetcher> fetcher,
    const Clock* clock) {
  return ha::DbStateMachine::Open(std::move(sm_options), &handler_, std::move(fetcher), clock);
}

}  // namespace ozone::om
