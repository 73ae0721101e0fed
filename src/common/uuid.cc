#include "common/uuid.h"

#include <cstdio>
#include <random>

namespace ozone {

Uuid Uuid::Random() {
  thread_local std::random_device rd;
  auto next64 = [&] { return (static_cast<uint64_t>(rd()) << 32) | rd(); };
  uint64_t most = next64();
  uint64_t least = next64();
  most = (most & ~0xF000ULL) | 0x4000ULL;                // version 4
  least = (least & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // IETF variant
  return Uuid(most, least);
}

std::optional<Uuid> Uuid::Parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  uint64_t parts[2] = {0, 0};
  int nibbles = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return std::nullopt;
    uint64_t& part = parts[nibbles / 16];
    part = (part << 4) | static_cast<uint64_t>(v);
    ++nibbles;
  }
  return Uuid(parts[0], parts[1]);
}

std::string Uuid::ToString() const {
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(most_ >> 32),
                static_cast<unsigned>((most_ >> 16) & 0xFFFF),
                static_cast<unsigned>(most_ & 0xFFFF), static_cast<unsigned>(least_ >> 48),
                static_cast<unsigned long long>(least_ & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace ozone
