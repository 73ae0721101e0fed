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
  std::sort(s.begin(), s.end());
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double mean_rate = elapsed > 0 ? static_cast<double>(s.size()) / elapsed : 0;
  auto ms = [](double ns) { return ns / 1e6; };
  double mean = 0, stddev = 0;
  if (!s.empty()) {
    for (int64_t v : s) mean += static_cast<double>(v);
    mean /= static_cast<double>(s.size());
    for (int64_t v : s) stddev += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
    stddev = s.size() > 1 ? std::sqrt(stddev / static_cast<double>(s.size() - 1)) : 0;
  }
  // The value at quantile q, interpolated as Dropwizard's snapshots do.
  auto quantile = [&s](double q) -> double {
    if (s.empty()) return 0;
    const double pos = q * static_cast<double>(s.size() + 1);
    if (pos < 1) return static_cast<double>(s.front());
    if (pos >= static_cast<double>(s.size())) return static_cast<double>(s.back());
    const size_t i = static_cast<size_t>(pos);
    const double lower = static_cast<double>(s[i - 1]);
    const double upper = static_cast<double>(s[i]);
    return lower + (pos - std::floor(pos)) * (upper - lower);
  };
  std::string out = name_ + "\n";
  auto line = [&out](const char* label, const std::string& value) {
    out += fmt::format("{:>18} = {}\n", label, value);
  };
  auto rate = [](double r) { return fmt::format("{:.2f} calls/second", r); };
  auto dur = [&ms](double ns) { return fmt::format("{:.2f} milliseconds", ms(ns)); };
  line("count", std::to_string(s.size()));
  line("mean rate", rate(mean_rate));
  line("1-minute rate", rate(m1));
  line("5-minute rate", rate(m5));
  line("15-minute rate", rate(m15));
  line("min", dur(s.empty() ? 0 : static_cast<double>(s.front())));
  line("max", dur(s.empty() ? 0 : static_cast<double>(s.back())));
  line("mean", dur(mean));
  line("stddev", dur(stddev));
  line("median", dur(quantile(0.5)));
  for (auto [label, q] : {std::pair{"75%", 0.75}, {"95%", 0.95}, {"98%", 0.98}, {"99%", 0.99},
                          {"99.9%", 0.999}}) {
    out += fmt::format("{:>17} <= {}\n", label, dur(quantile(q)));
  }
  return out;
}

}  // namespace ozone::tools::freon
