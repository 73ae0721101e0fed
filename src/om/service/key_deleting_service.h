// KeyDeletingService: the leader's background purge of deleted keys (Ozone's
// KeyDeletingService): each run takes up to ozone.key.deleting.limit.per.task rows of
// deletedTable, hands their blocks to SCM's deleted-block log (ScmDeletedBlockClient), and
// purges the rows SCM took through a replicated PurgeKeys write. Rows SCM did not take stay for
// the next run. Runs only on the ready leader (ha::BackgroundService over the HaContext), every
// ozone.block.deleting.service.interval.
//
// Thread-safety: RunOnce runs of one instance must not overlap (the BackgroundService ensures
// it); the rest from any thread.
#pragma once

#include <memory>

#include "common/clock.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "om/metadata/om_metadata_manager.h"
#include "om/om_execution_flow.h"
#include "om/om_options.h"
#include "om/scm/scm_block_client.h"

namespace ozone::om {

inline constexpr char kKeyDeletingServiceName[] = "KeyDeletingService";

class KeyDeletingService {
 public:
  // All must outlive the service.
  KeyDeletingService(const OmOptions* options, const OmMetadataManager* metadata,
                     OmExecutionFlow* flow, ScmDeletedBlockClient* scm);

  // One run; returns the number of deletedTable rows purged.
  Result<uint64_t> RunOnce();

  // The leader-only background service running RunOnce (register it with the ServiceManager).
  std::shared_ptr<ha::BackgroundService> MakeBackgroundService(const ha::HaContext* context,
                                                               const Clock* clock);

 private:
  const OmOptions* options_;
  const OmMetadataManager* metadata_;
  OmExecutionFlow* flow_;
  ScmDeletedBlockClient* scm_;
};

}  // namespace ozone::om
