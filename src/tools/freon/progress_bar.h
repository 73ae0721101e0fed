// ProgressBar: freon's progress display, as Ozone's: on a terminal, a bar redrawn in place once a
// second (" 45.00% |█████...     |  450/1000 Time: 0:00:05|  <status>"); elsewhere, one
// "Progress: 45.00 % (450 out of 1000)" line per second. It runs on its own thread from Start
// until the current value reaches the maximum, or until Stop.
//
// Thread-safety: Start and Stop from one thread; the value and status functions are called from
// the progress thread and must be thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace ozone::tools::freon {

class ProgressBar {
 public:
  // `out` receives the bar; `max_value` > 0; `current` gives the progress; `status` (optional)
  // a real-time message printed after the bar (shrinking the bar to a third of its width).
  ProgressBar(std::ostream& out, uint64_t max_value, std::function<uint64_t()> current,
              bool interactive, std::function<std::string()> status = {},
              std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Start();
  // Draws the final state and joins the thread. Idempotent.
  void Stop();

  // One rendering of the bar for `value` after `elapsed` (no carriage return, no newline).
  std::string Render(uint64_t value, std::chrono::seconds elapsed) const;

 private:
  void Run();
  void Print(uint64_t value);

  std::ostream& out_;
  const uint64_t max_value_;
  const std::function<uint64_t()> current_;
  const bool interactive_;
  const std::function<std::string()> status_;
  const std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ozone::tools::freon
