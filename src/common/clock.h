// Clock: the only way code reads time, so tests and simulations can control it.
//
// SteadyNow() is monotonic (timeouts, latencies); WallNow() is calendar time (timestamps written
// to records, e.g. creationTime). ManualClock is advanced by hand.
//
// Thread-safety: all implementations are safe for concurrent use.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace ozone {

class Clock {
 public:
  using Duration = std::chrono::nanoseconds;
  using SteadyTime = std::chrono::time_point<std::chrono::steady_clock, Duration>;
  using WallTime = std::chrono::time_point<std::chrono::system_clock, Duration>;

  virtual ~Clock() = default;
  virtual SteadyTime SteadyNow() const = 0;
  virtual WallTime WallNow() const = 0;

  // Milliseconds since the Unix epoch, as Ozone stores timestamps.
  int64_t WallMillis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(WallNow().time_since_epoch())
        .count();
  }

  // The process-wide real clock.
  static Clock& Real();
};

class SystemClock final : public Clock {
 public:
  SteadyTime SteadyNow() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to. Both readings advance together.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t wall_start_millis = 1'600'000'000'000)
      : wall_offset_ns_(wall_start_millis * 1'000'000) {}

  SteadyTime SteadyNow() const override { return SteadyTime(Duration(now_ns_.load())); }
  WallTime WallNow() const override { return WallTime(Duration(now_ns_.load() + wall_offset_ns_)); }
  void Advance(Duration d) { now_ns_ += d.count(); }

 private:
  std::atomic<int64_t> now_ns_{0};
  const int64_t wall_offset_ns_;
};

inline Clock& Clock::Real() {
  static SystemClock clock;
  return clock;
}

}  // namespace ozone
