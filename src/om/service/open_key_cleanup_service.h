// OpenKeyCleanupService: the leader's background cleanup of abandoned open keys (Ozone's
// OpenKeyCleanupService): each run finds up to ozone.om.open.key.cleanup.limit.per.task open keys
// created more than ozone.om.open.key.expire.threshold (7d) ago by the leader's clock, and deletes
// them through a replicated DeleteOpenKeys write (their blocks go to deletedTable, for the
// KeyDeletingService). The decision uses the clock; the replicated write names the keys, so
// Apply stays deterministic. Runs only on the ready leader, every
// ozone.om.open.key.cleanup.service.interval.
//
// Thread-safety: as KeyDeletingService.
#pragma once

#include <memory>

#include "common/clock.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "om/metadata/om_metadata_manager.h"
#include "om/om_execution_flow.h"
#include "om/om_options.h"

namespace ozone::om {

inline constexpr char kOpenKeyCleanupServiceName[] = "OpenKeyCleanupService";

class OpenKeyCleanupService {
 public:
  OpenKeyCleanupService(const OmOptions* options, const OmMetadataManager* metadata,
                        OmExecutionFlow* flow, const Clock* clock);

  // One run; returns the number of open keys it asked to delete.
  Result<uint64_t> RunOnce();

  std::shared_ptr<ha::BackgroundService> MakeBackgroundService(const ha::HaContext* context);

 private:
  const OmOptions* options_;
  const OmMetadataManager* metadata_;
  OmExecutionFlow* flow_;
  const Clock* clock_;
};

}  // namespace ozone::om
