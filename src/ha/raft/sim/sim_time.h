// Virtual time of the deterministic simulation: microseconds since the start of a run.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <limits>

namespace ozone::raft::sim {

// A point in virtual time, in microseconds.
using SimTime = int64_t;
// A span of virtual time, in microseconds.
using SimDuration = int64_t;

inline constexpr SimDuration kMicrosecond = 1;
inline constexpr SimDuration kMillisecond = 1000;
inline constexpr SimDuration kSecond = 1000 * 1000;
// Later than any event of a run ("never").
inline constexpr SimTime kSimTimeInfinity = std::numeric_limits<SimTime>::max();

}  // namespace ozone::raft::sim
