#include "om/request/om_name_validator.h"

namespace ozone::om {

namespace {

constexpr size_t kMinLength = 3;
constexpr size_t kMaxLength = 63;
constexpr char kValidLength[] = "valid length is 3-63 characters";

bool Supported(char c, bool strict_s3) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '.' ||
         (c == '_' && !strict_s3);
}

}  // namespace

std::optional<std::string> CheckResourceName(std::string_view name, std::string_view type,
                                             bool strict_s3) {
  std::string t(type);
  bool ipv4 = true;
  char prev = 0;
  for (char c : name) {
    if (c != '.') ipv4 = ipv4 && c >= '0' && c <= '9';
    if (c >= 'A' && c <= 'Z') return t + " name does not support uppercase characters";
    if (!Supported(c, strict_s3)) return t + " name has an unsupported character : " + c;
    if (prev == '.' && c == '.') return t + " name should not have two contiguous periods";
    if (prev == '-' && c == '.') return t + " name should not have period after dash";
    if (prev == '.' && c == '-') return t + " name should not have dash after period";
    prev = c;
  }
  if (ipv4) return t + " name cannot be an IPv4 address or all numeric";
  if (name.size() < kMinLength) {
    return t + " name '" + std::string(name) + "' is too short, " + kValidLength;
  }
  if (name.size() > kMaxLength) {
    return t + " name '" + std::string(name.substr(0, kMaxLength)) + "...' is too long, " +
           kValidLength;
  }
  if (name.front() == '.' || name.front() == '-') {
    return t + " name cannot start with a period or dash";
  }
  if (name.back() == '.' || name.back() == '-') return t + " name cannot end with a period or dash";
  return std::nullopt;
}

std::optional<std::string> CheckKeyName(std::string_view name, bool character_check) {
  if (name.empty()) return std::string("Key name is empty");
  if (!character_check) return std::nullopt;
  // OzoneConsts.KEYNAME_ILLEGAL_CHARACTER_CHECK_REGEX.
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::string_view("^{}<>?%~#`[]|\\").find(c) != std::string_view::npos || u >= 0x80) {
      return "Invalid key name: " + std::string(name);
    }
  }
  return std::nullopt;
}

}  // namespace ozone::om
