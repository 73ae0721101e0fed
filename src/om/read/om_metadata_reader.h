// OmMetadataReader: the OM's reads (Ozone's OmMetadataReader / KeyManagerImpl lookups), served
// from this node's table caches and om.db, so they see every applied write, flushed or not:
// InfoVolume, ListVolume, InfoBucket, ListBuckets, LookupKey, GetKeyInfo, ListKeys, and
// GetServiceConfiguration (statefulServiceConfigTable, flushed at once by its writes). Reads are not
// replicated; the server only sends them here on the leader (Ozone's default read path).
//
// Lists: `prefix` filters names; the start name (prevKey / startKey) is exclusive (Ozone's
// start-after); at most `count` entries (default 1000; ListKeys sets isTruncated when more
// exist). Failures: VOLUME_NOT_FOUND, BUCKET_NOT_FOUND, KEY_NOT_FOUND as responses.
//
// Thread-safety: Read may be called from any thread, concurrently with Apply.
#pragma once

#include "common/result.h"
#include "om.pb.h"
#include "om/metadata/om_metadata_manager.h"

namespace ozone::om {

inline constexpr int kDefaultListCount = 1000;

class OmMetadataReader {
 public:
  explicit OmMetadataReader(const OmMetadataManager* metadata) : metadata_(metadata) {}

  // The response of a read command (IsReadCommand). Unavailable while om.db is being replaced;
  // IoError/Corruption from the database.
  Result<OMResponse> Read(const OMRequest& request) const;

 private:
  Result<OMResponse> InfoVolume(const OMRequest& request) const;
  Result<OMResponse> ListVolumes(const OMRequest& request) const;
  Result<OMResponse> InfoBucket(const OMRequest& request) const;
  Result<OMResponse> ListBuckets(const OMRequest& request) const;
  Result<OMResponse> LookupKey(const OMRequest& request, const KeyArgs& args) const;
  Result<OMResponse> ListKeys(const OMRequest& request) const;
  Result<OMResponse> GetServiceConfiguration(const OMRequest& request) const;

  const OmMetadataManager* metadata_;
};

}  // namespace ozone::om
