// Big-endian (network order) 32-bit integers in byte buffers, as the length prefixes of the
// framed calls (rpc/framed_wire.h) and of the Raft TCP transport's frames are written.
#pragma once

#include <cstdint>

namespace ozone {

inline void PutBigEndian32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

inline uint32_t GetBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

}  // namespace ozone
