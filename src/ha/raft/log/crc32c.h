// CRC32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of every log record.
//
// Two implementations compute the same value: the SSE4.2 `crc32` instruction, chosen at run time
// when the CPU has it, and a portable table-driven one (slicing by 8). Extend(Value(a), b) equals
// Value(a + b), so a checksum can be computed over several pieces.
//
// Thread-safety: pure functions; the implementation is selected once, at static initialization.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ozone::raft::crc32c {

// The CRC32C of `data` appended to bytes whose CRC32C is `crc` (0 for none).
uint32_t Extend(uint32_t crc, const void* data, size_t n);

// The CRC32C of `data`.
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }

// The portable implementation, always available.
uint32_t ExtendPortable(uint32_t crc, const void* data, size_t n);

// True when the CPU runs the hardware implementation (SSE4.2 on x86-64).
bool HardwareAvailable();

// The hardware implementation. REQUIRES: HardwareAvailable().
uint32_t ExtendHardware(uint32_t crc, const void* data, size_t n);

}  // namespace ozone::raft::crc32c
