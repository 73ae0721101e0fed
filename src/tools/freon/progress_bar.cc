#include "tools/freon/progress_bar.h"

#include <fmt/format.h>

namespace ozone::tools::freon {

ProgressBar::ProgressBar(std::ostream& out, uint64_t max_value, std::function<uint64_t()> current,
                         bool interactive, std::function<std::string()> status,
                         std::chrono::milliseconds interval)
    : out_(out),
      max_value_(max_value == 0 ? 1 : max_value),
      current_(std::move(current)),
      interactive_(interactive),
      status_(std::move(status)),
      interval_(interval) {}

ProgressBar::~ProgressBar() { Stop(); }

void ProgressBar::Start() {
  if (thread_.joinable()) return;
  start_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { Run(); });
}

void ProgressBar::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string ProgressBar::Render(uint64_t value, std::chrono::seconds elapsed) const {
  const double percent = 100.0 * static_cast<double>(value) / static_cast<double>(max_value_);
  const std::string message = status_ ? status_() : std::string();
  const int shrink = message.empty() ? 1 : 3;
  std::string bar = fmt::format(" {:.2f}% |", percent);
  for (int i = 0; i <= static_cast<int>(percent / shrink); ++i) bar += "\u2588";
  for (int j = 0; j < static_cast<int>((100 - percent) / shrink + 0.999999); ++j) bar += ' ';
  const int64_t s = elapsed.count();
  bar += fmt::format("|  {}/{} Time: {}:{:02}:{:02}|  {}", value, max_value_, s / 3600,
                     (s % 3600) / 60, s % 60, message);
  return bar;
}

void ProgressBar::Print(uint64_t value) {
  if (interactive_) {
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - start_);
    out_ << '\r' << Render(value, elapsed) << std::flush;
  } else {
    const double percent = 100.0 * static_cast<double>(value) / static_cast<double>(max_value_);
    out_ << fmt::format("Progress: {:.2f} % ({} out of {})\n", percent, value, max_value_)
         << std::flush;
  }
}

void ProgressBar::Run() {
  if (interactive_) out_ << '\n';
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_ && current_() < max_value_) {
    l.unlock();
    Print(current_());
    l.lock();
    cv_.wait_for(l, interval_, [this] { return stopping_; });
  }
  l.unlock();
  Print(current_());
  if (interactive_) out_ << '\n' << std::flush;
}

}  // namespace ozone::tools::freon
