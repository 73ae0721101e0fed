// FreonRunner: what every freon generator shares (Ozone's BaseFreonGenerator): the common
// options, `threads` workers executing numbered tasks until `number-of-tests` have run (or for
// `--duration`), stopping at the first failure unless --fail-at-end, a progress bar, named
// timers, and the closing report:
//
//   <timers, as Dropwizard's ConsoleReporter prints them>
//   Total execution time (sec): 12
//   Failures: 0
//   Successful executions: 1000
//
// A generator adds its own options next to AddFreonOptions', calls Init, creates its timers,
// then Run with its task.
//
// Thread-safety: one thread drives a runner; the task runs on `threads` threads at once and must
// be thread-safe; timers are.
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "tools/freon/freon_timer.h"

namespace ozone::tools::freon {

struct FreonOptions {
  // -n, --number-of-tests: the number of objects generated. Default: 1000.
  uint64_t number_of_tests = 1000;
  // -t, --threads, --thread: workers. Default: 10.
  int threads = 10;
  // --duration: run for this long instead ("30s", "5m", "1h", "7d"). Default: unset.
  std::string duration;
  // -f, --fail-at-end: run every task even after failures. Default: false.
  bool fail_at_end = false;
  // -p, --prefix: names the generated objects; ENV variables as __NAME__ are substituted. Default:
  // 10 random lowercase letters and digits.
  std::string prefix;
};

// Registers the options above on a generator's subcommand. Without `allow_duration` there is no
// --duration (as ombg).
void AddFreonOptions(CLI::App& app, FreonOptions& options, bool allow_duration = true);

class FreonRunner {
 public:
  // Runs test number `counter` (0-based; modulo number-of-tests in --duration mode). A non-OK
  // status is a failure, logged with the counter.
  using Task = std::function<Status(uint64_t counter)>;

  // `interactive`: a terminal (bar redrawn in place, report printed); otherwise progress lines.
  FreonRunner(FreonOptions options, std::ostream& out, bool interactive);
  ~FreonRunner();

  // Validates the options and resolves the prefix. InvalidArgument for bad values.
  Status Init();
  const std::string& prefix() const { return options_.prefix; }
  // Ozone's object and bucket names for test `counter`: "<prefix>/<counter>", "<prefix><counter>".
  std::string ObjectName(uint64_t counter) const;
  std::string BucketName(uint64_t counter) const;

  // A timer reported at the end, in creation order. Valid for the runner's lifetime.
  FreonTimer& AddTimer(const std::string& name);

  // Runs the tasks and prints the report. OK, or Internal("One or more freon test is failed.")
  // when any task failed. Once `interrupted` turns true the workers start no other task.
  Status Run(const Task& task, const std::atomic<bool>& interrupted);
  Status Run(const Task& task);

  uint64_t successes() const { return successes_.load(); }
  uint64_t failures() const { return failures_.load(); }

 private:
  void WorkerLoop(const Task& task, const std::atomic<bool>& interrupted);
  void PrintReport();

  FreonOptions options_;
  std::ostream& out_;
  const bool interactive_;
  std::chrono::nanoseconds duration_{0};  // 0: count-based
  FreonTimer::Clock::time_point start_;
  std::vector<std::unique_ptr<FreonTimer>> timers_;
  std::atomic<uint64_t> attempts_{0};
  std::atomic<uint64_t> successes_{0};
  std::atomic<uint64_t> failures_{0};
  std::atomic<bool> completed_{false};
};

}  // namespace ozone::tools::freon
