#include "om/request/om_quota.h"

namespace ozone::om {

std::optional<std::string> CheckQuotaValue(int64_t quota, const char* what) {
  if (quota == kQuotaReset || quota > 0) return std::nullopt;
  return std::string("Invalid ") + what + " quota: " + std::to_string(quota) +
         " (it must be positive, or -1 to clear it)";
}

std::optional<std::string> CheckBucketBytes(const BucketInfo& bucket, int64_t bytes) {
  int64_t quota = bucket.quotainbytes();
  if (quota <= 0 || bytes <= 0) return std::nullopt;
  int64_t used = static_cast<int64_t>(bucket.usedbytes());
  if (used + bytes <= quota) return std::nullopt;
  return "The DiskSpace quota of bucket:" + bucket.bucketname() + " exceeded quotaBytes: " +
         std::to_string(quota) + " Bytes but diskspace consumed: " + std::to_string(used + bytes) +
         " Bytes.";
}

std::optional<std::string> CheckBucketNamespace(const BucketInfo& bucket, int64_t count) {
  int64_t quota = bucket.quotainnamespace();
  if (quota <= 0 || count <= 0) return std::nullopt;
  int64_t used = static_cast<int64_t>(bucket.usednamespace());
  if (used + count <= quota) return std::nullopt;
  return "The namespace quota of Bucket:" + bucket.bucketname() + " exceeded: quotaInNamespace: " +
         std::to_string(quota) + " but namespace consumed: " + std::to_string(used + count) + ".";
}

}  // namespace ozone::om
