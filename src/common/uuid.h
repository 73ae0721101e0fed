// Uuid: 128-bit identifiers in the canonical 8-4-4-4-12 text form, as Java's UUID prints them.
// Used for cluster ids (CID-<uuid>), SCM and OM node UUIDs and pipeline ids.
//
// Thread-safety: a value type; Random() is safe to call concurrently.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ozone {

class Uuid {
 public:
  Uuid() = default;
  Uuid(uint64_t most, uint64_t least) : most_(most), least_(least) {}

  // A random (version 4) UUID from the OS entropy source.
  static Uuid Random();
  // Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (case-insensitive); nullopt if malformed.
  static std::optional<Uuid> Parse(std::string_view text);

  uint64_t most_significant_bits() const { return most_; }
  uint64_t least_significant_bits() const { return least_; }
  bool is_nil() const { return most_ == 0 && least_ == 0; }

  // Lower-case canonical form.
  std::string ToString() const;

  auto operator<=>(const Uuid&) const = default;
  bool operator==(const Uuid&) const = default;

 private:
  uint64_t most_ = 0;
  uint64_t least_ = 0;
};

}  // namespace ozone
