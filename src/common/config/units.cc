#include "common/config/units.h"

#include <cmath>
#include <string>

#include "common/strings.h"

namespace ozone::config {
namespace {

struct Suffix {
  std::string_view text;
  double multiplier;
};

int64_t NanosPer(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kNanoseconds:
      return 1;
    case TimeUnit::kMicroseconds:
      return 1'000;
    case TimeUnit::kMilliseconds:
      return 1'000'000;
    case TimeUnit::kSeconds:
      return 1'000'000'000;
    case TimeUnit::kMinutes:
      return 60LL * 1'000'000'000;
    case TimeUnit::kHours:
      return 3600LL * 1'000'000'000;
    case TimeUnit::kDays:
      return 86400LL * 1'000'000'000;
  }
  return 1;
}

double BytesPer(StorageUnit unit) {
  switch (unit) {
    case StorageUnit::kBytes:
      return 1.0;
    case StorageUnit::kKB:
      return 1024.0;
    case StorageUnit::kMB:
      return 1024.0 * 1024;
    case StorageUnit::kGB:
      return 1024.0 * 1024 * 1024;
    case StorageUnit::kTB:
      return 1024.0 * 1024 * 1024 * 1024;
    case StorageUnit::kPB:
      return 1024.0 * 1024 * 1024 * 1024 * 1024;
    case StorageUnit::kEB:
      return 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024;
  }
  return 1.0;
}

// Splits "<number><suffix>" where the suffix is one of `suffixes` (longest match first).
// Returns the multiplier of the suffix, or `none` if there is no suffix.
bool SplitUnit(std::string_view text, const Suffix* suffixes, size_t n, double none,
               std::string_view* number, double* multiplier) {
  for (size_t i = 0; i < n; ++i) {
    const auto& s = suffixes[i];
    if (text.size() > s.text.size() && text.substr(text.size() - s.text.size()) == s.text) {
      *number = strings::Trim(text.substr(0, text.size() - s.text.size()));
      *multiplier = s.multiplier;
      return true;
    }
  }
  *number = text;
  *multiplier = none;
  return !text.empty();
}

// Parses "<non-negative number><suffix>" into number * multiplier of the suffix (or of
// `default_multiplier` without one). `expected` completes the error message.
Result<double> ParseScaled(std::string_view text, const Suffix* suffixes, size_t n,
                           double default_multiplier, std::string_view expected) {
  std::string lower = strings::ToLower(strings::Trim(text));
  std::string_view number;
  double multiplier;
  auto error = [&] {
    return Status::InvalidArgument("'" + std::string(text) + "' is not " + std::string(expected));
  };
  if (!SplitUnit(lower, suffixes, n, default_multiplier, &number, &multiplier)) return error();
  auto value = strings::ParseDouble(number);
  if (!value || *value < 0 || !std::isfinite(*value) || number.empty() ||
      !(std::isdigit(static_cast<unsigned char>(number[0])) || number[0] == '.')) {
    return error();
  }
  return *value * multiplier;
}

}  // namespace

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text, TimeUnit default_unit) {
  // Longest suffixes first so that "ms" is not read as "s".
  static const Suffix kSuffixes[] = {
      {"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}, {"d", 86400e9},
  };
  OZ_ASSIGN_OR_RETURN(double nanos, ParseScaled(text, kSuffixes, std::size(kSuffixes),
                                                static_cast<double>(NanosPer(default_unit)),
                                                "a duration (expected e.g. 5s, 300ms, 10m)"));
  if (nanos > 9.2e18) return Status::InvalidArgument("duration too large: " + std::string(text));
  return std::chrono::nanoseconds(static_cast<int64_t>(nanos));
}

Result<uint64_t> ParseStorageSize(std::string_view text, StorageUnit default_unit) {
  static const Suffix kSuffixes[] = {
      {"kb", BytesPer(StorageUnit::kKB)},
      {"mb", BytesPer(StorageUnit::kMB)},
      {"gb", BytesPer(StorageUnit::kGB)},
      {"tb", BytesPer(StorageUnit::kTB)},
      {"pb", BytesPer(StorageUnit::kPB)},
      {"eb", BytesPer(StorageUnit::kEB)},
      {"k", BytesPer(StorageUnit::kKB)},
      {"m", BytesPer(StorageUnit::kMB)},
      {"g", BytesPer(StorageUnit::kGB)},
      {"t", BytesPer(StorageUnit::kTB)},
      {"p", BytesPer(StorageUnit::kPB)},
      {"e", BytesPer(StorageUnit::kEB)},
      {"b", 1.0},
  };
  OZ_ASSIGN_OR_RETURN(double bytes,
                      ParseScaled(text, kSuffixes, std::size(kSuffixes), BytesPer(default_unit),
                                  "a storage size (expected e.g. 64MB, 1GB, 4096)"));
  if (bytes >= 1.8e19) {
    return Status::InvalidArgument("storage size too large: " + std::string(text));
  }
  return static_cast<uint64_t>(bytes);
}

}  // namespace ozone::config
