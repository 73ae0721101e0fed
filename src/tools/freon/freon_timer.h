// FreonTimer: the latency and rate of one kind of operation in a freon run ("key-create"), and
// its report in the layout of the Dropwizard ConsoleReporter that Ozone's freon prints:
//
//   key-create
//                count = 1000
//            mean rate = 812.40 calls/second
//        1-minute rate = 0.00 calls/second
//        ...
//               median = 1.02 milliseconds
//               99.9% <= 9.87 milliseconds
//
// The 1/5/15-minute rates are exponentially weighted moving averages ticked every 5 seconds, as
// Dropwizard's Meter; a run shorter than one tick reports 0.00 for them, as Ozone does. Latency
// figures are exact over every recorded sample.
//
// Thread-safety: Record may be called from any thread; Report reads a consistent snapshot.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace ozone::tools::freon {

// Figures over a set of latency samples (nanoseconds), as Dropwizard's snapshots compute them.
struct LatencySnapshot {
  explicit LatencySnapshot(std::vector<int64_t> samples_ns);

  size_t count() const { return sorted.size(); }
  double min() const;
  double max() const;
  double sum() const;
  double mean() const;
  // Sample standard deviation (n - 1); 0 for fewer than two samples.
  double stddev() const;
  // The value at quantile q in [0, 1], interpolated as Dropwizard's UniformSnapshot does; 0 when
  // there are no samples.
  double Quantile(double q) const;

  std::vector<int64_t> sorted;
};

class FreonTimer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit FreonTimer(std::string name, Clock::time_point start = Clock::now());

  const std::string& name() const { return name_; }
  // One operation that took `latency`, finished at `now`.
  void Record(std::chrono::nanoseconds latency, Clock::time_point now = Clock::now());
  uint64_t count() const;
  LatencySnapshot Snapshot() const;
  // The report block (name line, then one line per figure), each line ending in '\n'.
  std::string Report(Clock::time_point now = Clock::now()) const;

 private:
  struct Ewma {
    double alpha;
    double rate = 0;  // per second
    bool initialized = false;
  };
  void TickUntil(Clock::time_point now) const;  // REQUIRES mu_

  const std::string name_;
  const Clock::time_point start_;
  mutable std::mutex mu_;
  std::vector<int64_t> samples_ns_;       // guarded by mu_
  mutable Clock::time_point last_tick_;   // guarded by mu_
  mutable uint64_t uncounted_ = 0;        // events since the last tick; guarded by mu_
  mutable Ewma m1_, m5_, m15_;            // guarded by mu_
};

}  // namespace ozone::tools::freon
