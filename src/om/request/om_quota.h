// Ozone's quota values and checks shared by the requests: -1 (QUOTA_RESET) is "no quota"; a set
// quota is positive.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "om.pb.h"

namespace ozone::om {

inline constexpr int64_t kQuotaReset = -1;

// QUOTA_ERROR's message for a quota value that is neither -1 nor positive.
std::optional<std::string> CheckQuotaValue(int64_t quota, const char* what);
// QUOTA_EXCEEDED's message if adding `bytes` to the bucket's usedBytes passes its space quota.
std::optional<std::string> CheckBucketBytes(const BucketInfo& bucket, int64_t bytes);
// QUOTA_EXCEEDED's message if adding `count` names passes the bucket's namespace quota.
std::optional<std::string> CheckBucketNamespace(const BucketInfo& bucket, int64_t count);

}  // namespace ozone::om
