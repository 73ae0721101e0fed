#include "om/metadata/om_metadata_manager.h"

#include "om/metadata/om_db_definition.h"

namespace ozone::om {

OmMetadataManager::OmMetadataManager()
    : volumes_(kVolumeTable, CachePolicy::kFull),
      buckets_(kBucketTable, CachePolicy::kFull),
      keys_(kKeyTable, CachePolicy::kPartial),
      // An open key is usually committed within a few thousand log entries: kept that long after
      // its flush, the commit finds it in memory (at most ~16 MB of KeyInfo).
      open_keys_(kOpenKeyTable, CachePolicy::kPartial, /*retain_puts=*/16384),
      deleted_(kDeletedTable, CachePolicy::kPartial) {}

ozone::Status OmMetadataManager::Reload(storage::DBStore& db) {
  std::unique_lock<std::shared_mutex> l(mu_);
  db_ = nullptr;
  OZ_RETURN_IF_ERROR(volumes_.Bind(db));
  OZ_RETURN_IF_ERROR(buckets_.Bind(db));
  OZ_RETURN_IF_ERROR(keys_.Bind(db));
  OZ_RETURN_IF_ERROR(open_keys_.Bind(db));
  OZ_RETURN_IF_ERROR(deleted_.Bind(db));
  db_ = &db;
  return ozone::Status::OK();
}

void OmMetadataManager::Unbind() {
  std::unique_lock<std::shared_mutex> l(mu_);
  db_ = nullptr;
  volumes_.Unbind();
  buckets_.Unbind();
  keys_.Unbind();
  open_keys_.Unbind();
  deleted_.Unbind();
}

void OmMetadataManager::Cleanup(uint64_t flushed_index) {
  volumes_.Cleanup(flushed_index);
  buckets_.Cleanup(flushed_index);
  keys_.Cleanup(flushed_index);
  open_keys_.Cleanup(flushed_index);
  deleted_.Cleanup(flushed_index);
}

Result<std::shared_lock<std::shared_mutex>> OmMetadataManager::ReadLock() const {
  std::shared_lock<std::shared_mutex> l(mu_);
  if (db_ == nullptr) {
    return ozone::Status::Unavailable("om.db is not open (a checkpoint is being installed)");
  }
  return l;
}

}  // namespace ozone::om
