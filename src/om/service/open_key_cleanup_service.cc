#include "om/service/open_key_cleanup_service.h"

#include <map>

#include "om/service/om_background_service.h"

namespace ozone::om {

OpenKeyCleanupService::OpenKeyCleanupService(const OmOptions* options,
                                             const OmMetadataManager* metadata,
                                             OmExecutionFlow* flow, const Clock* clock)
    : options_(options), metadata_(metadata), flow_(flow), clock_(clock) {}

Result<uint64_t> OpenKeyCleanupService::RunOnce() {
  if (!flow_->Accepts(DeleteOpenKeys)) return uint64_t{0};  // prepared: nothing to do until cancelled
  int64_t now = clock_->WallMillis();
  int64_t threshold = options_->open_key_expire_threshold.count();
  OMRequest request;
  request.set_cmdtype(DeleteOpenKeys);
  auto* out = request.mutable_deleteopenkeysrequest();
  std::map<std::pair<std::string, std::string>, OpenKeyBucket*> by_bucket;
  uint64_t count = 0;
  {
    OZ_ASSIGN_OR_RETURN(auto lock, metadata_->ReadLock());
    OZ_RETURN_IF_ERROR(metadata_->open_keys().Scan("", "", [&](const std::string& row,
                                                               const auto& key) {
      if (static_cast<int64_t>(key->creationtime()) + threshold >= now) return true;
      OpenKeyBucket*& bucket = by_bucket[{key->volumename(), key->bucketname()}];
      if (bucket == nullptr) {
        bucket = out->add_openkeysperbucket();
        bucket->set_volumename(key->volumename());
        bucket->set_bucketname(key->bucketname());
      }
      bucket->add_keys()->set_name(row);
      return ++count < options_->open_key_cleanup_limit;
    }));
  }
  if (count == 0) return uint64_t{0};
  OZ_ASSIGN_OR_RETURN(OMResponse response, flow_->Write(std::move(request)));
  if (response.status() != OK) {
    return ozone::Status::Internal("DeleteOpenKeys: " + Status_Name(response.status()) + " " +
                                   response.message());
  }
  return count;
}

std::shared_ptr<ha::BackgroundService> OpenKeyCleanupService::MakeBackgroundService(
    const ha::HaContext* context) {
  return MakeOmBackgroundService(
      kOpenKeyCleanupServiceName, options_->open_key_cleanup_interval, context, clock_,
      [this] { return RunOnce(); }, "deleted", "expired open keys");
}

}  // namespace ozone::om
