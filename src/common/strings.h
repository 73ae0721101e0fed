// Small string helpers used across modules.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ozone::strings {

std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);

// Splits on `sep`, keeping empty pieces.
std::vector<std::string> Split(std::string_view s, char sep);

// Hadoop's getTrimmedStrings: splits a comma list, trims each piece, drops empty ones.
std::vector<std::string> SplitTrimmed(std::string_view s, char sep = ',');

std::string Join(const std::vector<std::string>& parts, std::string_view sep);

// Parses a whole string as a signed/unsigned decimal integer; nullopt if it is not one.
std::optional<int64_t> ParseInt64(std::string_view s);
std::optional<uint64_t> ParseUint64(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);

}  // namespace ozone::strings
