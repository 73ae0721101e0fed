// OmMetadataManager: the namespace tables of om.db as the OM reads and changes them (Ozone's
// OmMetadataManagerImpl): volumeTable and bucketTable behind full caches, keyTable, openKeyTable
// and deletedTable behind partial caches (see table_cache.h), so that reads see what was applied
// before the double buffer flushed it.
//
// Lifecycle: the apply side binds it to the database the state machine opened (Reload), detaches
// it before that database closes for a snapshot install (Unbind), and evicts flushed changes
// (Cleanup). Readers (RPC threads) hold ReadLock() across a read: Reload/Unbind wait for them, and
// while unbound reads fail with Unavailable.
//
// Thread-safety: Reload, Unbind and Cleanup and the tables' Put/Delete from the apply side (one
// thread at a time); ReadLock and the tables' Get/Scan from any thread.
#pragma once

#include <mutex>
#include <shared_mutex>

#include "common/result.h"
#include "om.pb.h"
#include "om/metadata/cached_table.h"
#include "storage/db_store.h"

namespace ozone::om {

class OmMetadataManager {
 public:
  OmMetadataManager();

  // Apply side.
  ozone::Status Reload(storage::DBStore& db);
  void Unbind();
  void Cleanup(uint64_t flushed_index);

  // A reader's hold on the bound database: Unavailable while a snapshot install replaces it.
  Result<std::shared_lock<std::shared_mutex>> ReadLock() const;

  CachedTable<VolumeInfo>& volumes() { return volumes_; }
  CachedTable<BucketInfo>& buckets() { return buckets_; }
  CachedTable<KeyInfo>& keys() { return keys_; }
  CachedTable<KeyInfo>& open_keys() { return open_keys_; }
  CachedTable<RepeatedKeyInfo>& deleted() { return deleted_; }
  const CachedTable<VolumeInfo>& volumes() const { return volumes_; }
  const CachedTable<BucketInfo>& buckets() const { return buckets_; }
  const CachedTable<KeyInfo>& keys() const { return keys_; }
  const CachedTable<KeyInfo>& open_keys() const { return open_keys_; }
  const CachedTable<RepeatedKeyInfo>& deleted() const { return deleted_; }

  // The bound database (nullptr while unbound). Apply side, or under ReadLock.
  storage::DBStore* db() const { return db_; }

 private:
  mutable std::shared_mutex mu_;  // readers share; Reload/Unbind exclusive
  storage::DBStore* db_ = nullptr;  // guarded by mu_ (written exclusively)
  CachedTable<VolumeInfo> volumes_;
  CachedTable<BucketInfo> buckets_;
  CachedTable<KeyInfo> keys_;
  CachedTable<KeyInfo> open_keys_;
  CachedTable<RepeatedKeyInfo> deleted_;
};

}  // namespace ozone::om
