// OmServiceConfigStore: OM's ha::ServiceConfigStore for its stateful services (seed 002): Save and
// Delete are replicated SetServiceConfiguration writes (applied by every replica into
// statefulServiceConfigTable with a flush right after); Read is a local read of that table.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <optional>
#include <string>

#include "ha/stateful_service.h"
#include "om/metadata/om_metadata_manager.h"
#include "om/om_execution_flow.h"

namespace ozone::om {

class OmServiceConfigStore : public ha::ServiceConfigStore {
 public:
  // All must outlive the store.
  OmServiceConfigStore(OmExecutionFlow* flow, const OmMetadataManager* metadata,
                       const ha::ServiceConfigState* state)
      : flow_(flow), metadata_(metadata), state_(state) {}

  // Replicated (leader only): NotLeader etc. from the replicator.
  ozone::Status Save(const std::string& service, std::string configuration) override;
  ozone::Status Delete(const std::string& service) override;
  Result<std::optional<std::string>> Read(const std::string& service) const override;

 private:
  ozone::Status Submit(const std::string& service, std::string configuration, bool remove);

  OmExecutionFlow* flow_;
  const OmMetadataManager* metadata_;
  const ha::ServiceConfigState* state_;
};

}  // namespace ozone::om
