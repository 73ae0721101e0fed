// SimRandom: the only source of randomness of a simulation run.
//
// xoshiro256** seeded through splitmix64, with range helpers written here rather than taken from
// <random>'s distributions, whose output differs between standard libraries: a seed replays the
// same run on every platform and compiler.
//
// Thread-safety: not thread-safe; each run owns its generators.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ozone::raft::sim {

class SimRandom {
 public:
  explicit SimRandom(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : state_) s = SplitMix64(&x);
  }

  // 64 uniformly distributed bits.
  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [lo, hi] (both inclusive). REQUIRES: lo <= hi.
  int64_t Uniform(int64_t lo, int64_t hi) {
    assert(lo <= hi);
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
    if (span == 0) return static_cast<int64_t>(Next());  // the whole 64-bit range
    return lo + static_cast<int64_t>(Next() % span);
  }

  // Uniform in [0, 1).
  double UniformDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // True with probability `p`.
  bool Chance(double p) { return p > 0 && UniformDouble() < p; }

  // An index into a container of `size` elements. REQUIRES: size > 0.
  size_t Index(size_t size) {
    assert(size > 0);
    return static_cast<size_t>(Next() % size);
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Index(items.size())];
  }

  // A seed for an independent generator (a node's election timer, a component's choices).
  uint64_t Fork() { return Next(); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix64(uint64_t* x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace ozone::raft::sim
