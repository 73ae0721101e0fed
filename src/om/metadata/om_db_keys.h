// The row keys of om.db, in Ozone's forms (OmMetadataManagerImpl): "/vol" (volumeTable),
// "/vol/bucket" (bucketTable), "/vol/bucket/key" (keyTable), "/vol/bucket/key/<clientID>"
// (openKeyTable), "/vol/bucket/key/<objectID>" (deletedTable), and the project's
// "#<log index as 16 hex digits>" (retryCacheTable rows; earlier rows: "<clientId>#<callId>", which
// is also the retry cache's in-memory key).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ozone::om {

inline constexpr char kOmKeyPrefix[] = "/";

std::string VolumeDbKey(std::string_view volume);
std::string BucketDbKey(std::string_view volume, std::string_view bucket);
std::string OzoneDbKey(std::string_view volume, std::string_view bucket, std::string_view key);
std::string OpenKeyDbKey(std::string_view volume, std::string_view bucket, std::string_view key,
                         uint64_t client_id);
std::string DeletedKeyDbKey(std::string_view volume, std::string_view bucket,
                            std::string_view key, uint64_t object_id);
std::string RetryCacheDbKey(std::string_view client_id, uint64_t call_id);
// The retryCacheTable row of the write at log `index`: rows sort by index.
std::string RetryCacheRowKey(uint64_t index);
// Whether `row` is a row key of RetryCacheRowKey's form.
bool IsRetryCacheRowKey(std::string_view row);

// The first key of every row under `prefix` is `prefix` itself; this is the end of the range
// (exclusive): every key starting with `prefix` is below it.
std::string PrefixEnd(std::string_view prefix);

}  // namespace ozone::om
