// KeyLifecycleService: the OM's stateful service (seed 002): it expires keys by rules a user sets
// (S3 lifecycle expiration, as Ozone's KeyLifecycleService is heading for): each rule names a
// volume, a bucket, a key prefix and an age; keys older than that (by modificationTime, against
// the leader's clock) are deleted through replicated DeleteKey writes.
//
// Its configuration (KeyLifecycleConfiguration in om.proto: shouldRun, the rules, and the scan's
// progress: the key it resumes after, passes, keys expired) is saved through the log into
// statefulServiceConfigTable under "KeyLifecycleService" (OmServiceConfigStore), so every OM has
// it and a new leader resumes the scan where the old one stopped. It runs only on the ready
// leader (ha::BackgroundService); a leader that steps down stops without touching the saved
// configuration; `stop` persists shouldRun=false.
//
// From the CLI (the server and shell wire it; both go through OMRequest):
//   set/start/stop  -> SetServiceConfiguration{serviceName: "KeyLifecycleService",
//                      configuration: KeyLifecycleConfiguration bytes}
//   status          -> GetServiceConfiguration{serviceName: "KeyLifecycleService"}
// e.g. `ozone admin om lifecycle set --volume vol1 --bucket logs --prefix tmp/ --expire-after 7d`
// then `ozone admin om lifecycle start`.
//
// A run scans up to lifecycle_scan_limit keys in key order across the rules' ranges, starting
// after resumeAfterKey, deletes the expired ones, and saves the new position (or, at the end of
// a pass, "" and completedPasses+1) with a conditional save (OmServiceConfigStore::SaveIf): if a
// user changed the configuration meanwhile (set, start, stop), the progress is dropped, never
// written over the user's change.
//
// Thread-safety: RunOnce runs must not overlap; Configure/configuration from any thread.
#pragma once

#include <memory>

#include "common/clock.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "om/metadata/om_metadata_manager.h"
#include "om/om_execution_flow.h"
#include "om/om_options.h"
#include "om/service/om_service_config_store.h"

namespace ozone::om {

inline constexpr char kKeyLifecycleServiceName[] = "KeyLifecycleService";

class KeyLifecycleService {
 public:
  KeyLifecycleService(const OmOptions* options, const OmMetadataManager* metadata,
                      OmExecutionFlow* flow, OmServiceConfigStore* store, const Clock* clock);

  // Replaces the configuration (replicated; leader only). Progress restarts unless kept.
  ozone::Status Configure(const KeyLifecycleConfiguration& configuration);
  // The saved configuration (defaults when none).
  Result<KeyLifecycleConfiguration> configuration() const;

  // One run (see above); returns the number of keys expired.
  Result<uint64_t> RunOnce();

  std::shared_ptr<ha::BackgroundService> MakeBackgroundService(const ha::HaContext* context);

 private:
  struct Saved {
    std::string bytes;  // as saved ("" when none)
    KeyLifecycleConfiguration configuration;
  };
  Result<Saved> Read() const;

  const OmOptions* options_;
  const OmMetadataManager* metadata_;
  OmExecutionFlow* flow_;
  OmServiceConfigStore* store_;
  const Clock* clock_;
};

}  // namespace ozone::om
