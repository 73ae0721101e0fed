// OmServiceConfigStore: OM's ha::ServiceConfigStore for its stateful services (seed 002): Save and
// Delete are replicated SetServiceConfiguration writes (applied by every replica into
// statefulServiceConfigTable with a flush right after); Read is a local read of that table.
// SaveIf is a conditional Save, for a read-modify-write that must not overwrite a configuration
// someone else saved after the read (a user's `stop` racing a service saving its progress).
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
  // Saves `configuration` only if the saved one (none counts as empty) is `expected`; Aborted
  // (and nothing saved) if not. Virtual: tests interpose a concurrent save.
  virtual ozone::Status SaveIf(const std::string& service, std::string expected,
                       std::string configuration);

 private:
  ozone::Status Submit(const std::string& service, std::string configuration, bool remove,
                       const std::string* expected);

  OmExecutionFlow* flow_;
  const OmMetadataManager* metadata_;
  const ha::ServiceConfigState* state_;
};

}  // namespace ozone::om
