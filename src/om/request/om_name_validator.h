// Ozone's name rules (HddsClientUtils.verifyResourceName, OmUtils.verifyKeyName): volume and
// bucket names are 3-63 characters of lowercase letters, digits, '-' and '.' (and '_' when not
// strict S3), not starting or ending with '-' or '.', without ".." "-." ".-", and not an IPv4
// address or all numeric; key names are non-empty and, with the character check on, free of
// Ozone's illegal characters. Each check returns Ozone's message, or nullopt when valid.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ozone::om {

// `type` is "Volume" or "Bucket" (the message's first word).
std::optional<std::string> CheckResourceName(std::string_view name, std::string_view type,
                                             bool strict_s3 = true);
std::optional<std::string> CheckKeyName(std::string_view name, bool character_check);

}  // namespace ozone::om
