#include "om/metadata/om_db_keys.h"

#include "storage/raw_table.h"

namespace ozone::om {

std::string VolumeDbKey(std::string_view volume) {
  std::string out(kOmKeyPrefix);
  out.append(volume);
  return out;
}

std::string BucketDbKey(std::string_view volume, std::string_view bucket) {
  std::string out = VolumeDbKey(volume);
  out.append(kOmKeyPrefix).append(bucket);
  return out;
}

std::string OzoneDbKey(std::string_view volume, std::string_view bucket, std::string_view key) {
  std::string out = BucketDbKey(volume, bucket);
  out.append(kOmKeyPrefix).append(key);
  return out;
}

std::string OpenKeyDbKey(std::string_view volume, std::string_view bucket, std::string_view key,
                         uint64_t client_id) {
  return OzoneDbKey(volume, bucket, key) + kOmKeyPrefix + std::to_string(client_id);
}

std::string DeletedKeyDbKey(std::string_view volume, std::string_view bucket,
                            std::string_view key, uint64_t object_id) {
  return OzoneDbKey(volume, bucket, key) + kOmKeyPrefix + std::to_string(object_id);
}

std::string RetryCacheDbKey(std::string_view client_id, uint64_t call_id) {
  std::string out(client_id);
  out.append("#").append(std::to_string(call_id));
  return out;
}

std::string RetryCacheRowKey(uint64_t index) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(17, '#');
  for (int i = 16; i >= 1; --i, index >>= 4) out[i] = kHex[index & 0xf];
  return out;
}

bool IsRetryCacheRowKey(std::string_view row) {
  // A row of the earlier form has a '#' after its (non-empty) client id, which is no hex digit.
  if (row.size() != 17 || row.front() != '#') return false;
  for (char c : row.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string PrefixEnd(std::string_view prefix) { return storage::PrefixSuccessor(prefix); }

}  // namespace ozone::om
