// Parsing of Hadoop/Ozone value syntaxes: time durations ("5s", "300ms", "10m") and storage sizes
// ("64MB", "1GB", "1.5gb", "4096"). A value without a unit takes the caller's default unit, as
// Hadoop's getTimeDuration and Ozone's getStorageSize do.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace ozone::config {

enum class TimeUnit {
  kNanoseconds,
  kMicroseconds,
  kMilliseconds,
  kSeconds,
  kMinutes,
  kHours,
  kDays
};

enum class StorageUnit { kBytes, kKB, kMB, kGB, kTB, kPB, kEB };

// Suffixes (case-insensitive): ns, us, ms, s, m, h, d.
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text, TimeUnit default_unit);

// Suffixes (case-insensitive): b, k/kb, m/mb, g/gb, t/tb, p/pb, e/eb; multiples of 1024.
// Fractions are allowed ("1.5GB"); the result is rounded down to whole bytes.
Result<uint64_t> ParseStorageSize(std::string_view text, StorageUnit default_unit);

}  // namespace ozone::config
