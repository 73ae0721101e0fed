// Backoff: exponential delays between reconnection attempts, with jitter so that peers that
// failed together do not retry in lockstep.
//
// Thread-safety: not thread-safe; one sender thread owns one Backoff.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace ozone::raft {

class Backoff {
 public:
  // Delays start at `initial` and double up to `max`; each is scaled by a factor drawn
  // uniformly from [0.8, 1.2]. `seed` fixes the jitter (tests).
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed)
      : initial_(std::max(initial, std::chrono::milliseconds(1))),
        max_(std::max(max, initial_)),
        next_(initial_),
        rng_(seed) {}

  // The delay to wait before the next attempt; advances the sequence.
  std::chrono::milliseconds Next() {
    std::chrono::milliseconds base = next_;
    next_ = std::min(max_, next_ * 2);
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return std::chrono::milliseconds(std::max<int64_t>(
        1, static_cast<int64_t>(static_cast<double>(base.count()) * jitter(rng_))));
  }

  // A connection succeeded: the next failure waits `initial` again.
  void Reset() { next_ = initial_; }

 private:
  const std::chrono::milliseconds initial_;
  const std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
  std::mt19937_64 rng_;
};

}  // namespace ozone::raft
