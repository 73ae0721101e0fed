// Test data of the Raft log tests and their helper process: entry content derived from the
// entry's index, so that any read can be checked without remembering what was written.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ozone::raft::log_testing {

// Deterministic data of `size` bytes for the entry at `index`, never all zeros.
inline std::string DataFor(uint64_t index, size_t size) {
  std::string data(size, '\0');
  uint64_t x = index * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    data[i] = static_cast<char>('a' + x % 26);
  }
  return data;
}

}  // namespace ozone::raft::log_testing
