#include "tools/freon/freon_timer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ozone::tools::freon {

namespace {

constexpr auto kTick = std::chrono::seconds(5);

double Alpha(double minutes) {
  return 1.0 - std::exp(-std::chrono::duration<double>(kTick).count() / 60.0 / minutes);
}

}  // namespace

FreonTimer::FreonTimer(std::string name, Clock::time_point start)
    : name_(std::move(name)),
      start_(start),
      last_tick_(start),
      m1_{Alpha(1)},
      m5_{Alpha(5)},
      m15_{Alpha(15)} {}

void FreonTimer::TickUntil(Clock::time_point now) const {
  while (now - last_tick_ >= kTick) {
    const double instant =
        static_cast<double>(uncounted_) / std::chrono::duration<double>(kTick).count();
    uncounted_ = 0;
    for (Ewma* e : {&m1_, &m5_, &m15_}) {
      if (e->initialized) {
        e->rate += e->alpha * (instant - e->rate);
      } else {
        e->rate = instant;
        e->initialized = true;
      }
    }
    last_tick_ += kTick;
  }
}

void FreonTimer::Record(std::chrono::nanoseconds latency, Clock::time_point now) {
  std::lock_guard<std::mutex> l(mu_);
  TickUntil(now);
  ++uncounted_;
  samples_ns_.push_back(latency.count());
}

LatencySnapshot::LatencySnapshot(std::vector<int64_t> samples_ns) : sorted(std::move(samples_ns)) {
  std::sort(sorted.begin(), sorted.end());
}

double LatencySnapshot::min() const {
  return sorted.empty() ? 0 : static_cast<double>(sorted.front());
}

double LatencySnapshot::max() const {
  return sorted.empty() ? 0 : static_cast<double>(sorted.back());
}

double LatencySnapshot::sum() const {
  double total = 0;
  for (int64_t v : sorted) total += static_cast<double>(v);
  return total;
}

double LatencySnapshot::mean() const {
  return sorted.empty() ? 0 : sum() / static_cast<double>(sorted.size());
}

double LatencySnapshot::stddev() const {
  if (sorted.size() < 2) return 0;
  const double m = mean();
  double squares = 0;
  for (int64_t v : sorted) squares += (static_cast<double>(v) - m) * (static_cast<double>(v) - m);
  return std::sqrt(squares / static_cast<double>(sorted.size() - 1));
}

double LatencySnapshot::Quantile(double q) const {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() + 1);
  if (pos < 1) return static_cast<double>(sorted.front());
  if (pos >= static_cast<double>(sorted.size())) return static_cast<double>(sorted.back());
  const size_t i = static_cast<size_t>(pos);
  const double lower = static_cast<double>(sorted[i - 1]);
  const double upper = static_cast<double>(sorted[i]);
  return lower + (pos - std::floor(pos)) * (upper - lower);
}

LatencySnapshot FreonTimer::Snapshot() const {
  std::lock_guard<std::mutex> l(mu_);
  return LatencySnapshot(samples_ns_);
}

uint64_t FreonTimer::count() const {
  std::lock_guard<std::mutex> l(mu_);
  return samples_ns_.size();
}

std::string FreonTimer::Report(Clock::time_point now) const {
  std::vector<int64_t> s;
  double m1, m5, m15;
  {
    std::lock_guard<std::mutex> l(mu_);
    TickUntil(now);
    s = samples_ns_;
    m1 = m1_.rate;
    m5 = m5_.rate;
    m15 = m15_.rate;
  }
  const LatencySnapshot snap(std::move(s));
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double mean_rate = elapsed > 0 ? static_cast<double>(snap.count()) / elapsed : 0;
  auto ms = [](double ns) { return ns / 1e6; };
  std::string out = name_ + "\n";
  auto line = [&out](const char* label, const std::string& value) {
    out += fmt::format("{:>18} = {}\n", label, value);
  };
  auto rate = [](double r) { return fmt::format("{:.2f} calls/second", r); };
  auto dur = [&ms](double ns) { return fmt::format("{:.2f} milliseconds", ms(ns)); };
  line("count", std::to_string(snap.count()));
  line("mean rate", rate(mean_rate));
  line("1-minute rate", rate(m1));
  line("5-minute rate", rate(m5));
  line("15-minute rate", rate(m15));
  line("min", dur(snap.min()));
  line("max", dur(snap.max()));
  line("mean", dur(snap.mean()));
  line("stddev", dur(snap.stddev()));
  line("median", dur(snap.Quantile(0.5)));
  for (auto [label, q] : {std::pair{"75%", 0.75}, {"95%", 0.95}, {"98%", 0.98}, {"99%", 0.99},
                          {"99.9%", 0.999}}) {
    out += fmt::format("{:>17} <= {}\n", label, dur(snap.Quantile(q)));
  }
  return out;
}

}  // namespace ozone::tools::freon
