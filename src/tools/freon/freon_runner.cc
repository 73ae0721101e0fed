#include "tools/freon/freon_runner.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>
#include <random>
#include <regex>
#include <thread>

#include "common/config/units.h"
#include "tools/freon/progress_bar.h"

namespace ozone::tools::freon {

namespace {

constexpr int kConsoleWidth = 80;

std::string Banner(const std::string& text, char c) {
  return text + ' ' + std::string(static_cast<size_t>(kConsoleWidth - 1) - text.size(), c);
}

// "11/21/26, 7:03:38 PM", as Java's short date and medium time.
std::string ConsoleDateTime() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  const int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  return fmt::format("{}/{}/{:02}, {}:{:02}:{:02} {}", tm.tm_mon + 1, tm.tm_mday, tm.tm_year % 100,
                     hour12, tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
}

std::string RandomPrefix() {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::mt19937_64 gen(rd());
  std::uniform_int_distribution<size_t> pick(0, sizeof(kChars) - 2);
  std::string s;
  for (int i = 0; i < 10; ++i) s += kChars[pick(gen)];
  return s;
}

// Replaces __NAME__ with $NAME (empty when unset), for runs on several hosts.
std::string ResolvePrefix(const std::string& prefix) {
  static const std::regex kVar("__(.+?)__");
  std::string out;
  auto begin = std::sregex_iterator(prefix.begin(), prefix.end(), kVar);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += prefix.substr(last, static_cast<size_t>(it->position()) - last);
    const char* v = std::getenv((*it)[1].str().c_str());
    out += v ? v : "";
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + prefix.substr(last);
}

}  // namespace

void AddFreonOptions(CLI::App& app, FreonOptions& o, bool allow_duration) {
  app.add_option("-n,--number-of-tests", o.number_of_tests, "Number of the generated objects.")
      ->capture_default_str();
  app.add_option("-t,--threads,--thread", o.threads, "Number of threads used to execute")
      ->capture_default_str();
  if (allow_duration) {
    app.add_option("--duration", o.duration,
                   "Duration to run the test.  Can be '30s', '5m', '1h', '7d' etc..");
  }
  app.add_flag("-f,--fail-at-end", o.fail_at_end,
               "If turned on, all the tasks will be executed even if there are failures.");
  app.add_option("-p,--prefix", o.prefix,
                 "Unique identifier of the test execution. Usually used as a prefix of the "
                 "generated object names. If empty, a random name will be generated");
}

FreonRunner::FreonRunner(FreonOptions options, std::ostream& out, bool interactive)
    : options_(std::move(options)), out_(out), interactive_(interactive) {}

FreonRunner::~FreonRunner() = default;

Status FreonRunner::Init() {
  if (options_.number_of_tests == 0) {
    return Status::InvalidArgument("Invalid command, the testNo must be a positive integer");
  }
  if (options_.threads <= 0) {
    return Status::InvalidArgument("Invalid command, the number of threads must be positive");
  }
  if (!options_.duration.empty()) {
    auto d = config::ParseDuration(options_.duration, config::TimeUnit::kSeconds);
    if (!d.ok() || d->count() <= 0) {
      return Status::InvalidArgument(
          "Incomplete command, the runtime must be given, and must not be negative");
    }
    duration_ = *d;
  }
  options_.prefix = options_.prefix.empty() ? RandomPrefix() : ResolvePrefix(options_.prefix);
  spdlog::info("Executing test with prefix {} and number-of-tests {}",
               options_.prefix.empty() ? "''" : options_.prefix, options_.number_of_tests);
  start_ = FreonTimer::Clock::now();
  return Status::OK();
}

std::string FreonRunner::ObjectName(uint64_t counter) const {
  return options_.prefix + "/" + std::to_string(counter);
}

std::string FreonRunner::BucketName(uint64_t counter) const {
  return options_.prefix + std::to_string(counter);
}

FreonTimer& FreonRunner::AddTimer(const std::string& name) {
  timers_.push_back(std::make_unique<FreonTimer>(name, start_));
  return *timers_.back();
}

void FreonRunner::WorkerLoop(const Task& task, const std::atomic<bool>& interrupted) {
  while (!completed_.load() && !interrupted.load()) {
    const uint64_t counter = attempts_.fetch_add(1);
    if (duration_.count() > 0) {
      if (FreonTimer::Clock::now() - start_ > duration_) {
        completed_ = true;
        break;
      }
    } else if (counter >= options_.number_of_tests ||
               (!options_.fail_at_end && failures_.load() > 0)) {
      completed_ = true;
      break;
    }
    Status s = task(counter % options_.number_of_tests);
    if (s.ok()) {
      ++successes_;
    } else {
      ++failures_;
      spdlog::error("Error on executing task {}: {}", counter, s.ToString());
    }
  }
}

Status FreonRunner::Run(const Task& task) {
  const std::atomic<bool> never{false};
  return Run(task, never);
}

Status FreonRunner::Run(const Task& task, const std::atomic<bool>& interrupted) {
  const bool timed = duration_.count() > 0;
  const uint64_t max =
      timed ? static_cast<uint64_t>(
                  std::chrono::duration_cast<std::chrono::seconds>(duration_).count())
            : options_.number_of_tests;
  ProgressBar bar(
      out_, max,
      [this, timed]() -> uint64_t {
        if (timed) {
          return static_cast<uint64_t>(
              std::chrono::duration_cast<std::chrono::seconds>(FreonTimer::Clock::now() - start_)
                  .count());
        }
        return successes_.load() + failures_.load();
      },
      interactive_);
  bar.Start();
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(options_.threads));
  for (int i = 0; i < options_.threads; ++i)
    workers.emplace_back([&] { WorkerLoop(task, interrupted); });
  for (auto& w : workers) w.join();
  bar.Stop();
  PrintReport();
  if (failures_.load() > 0) return Status::Internal("One or more freon test is failed.");
  return Status::OK();
}

void FreonRunner::PrintReport() {
  const auto now = FreonTimer::Clock::now();
  out_ << Banner(ConsoleDateTime(), '=') << "\n\n";
  if (!timers_.empty()) {
    out_ << Banner("-- Timers", '-') << "\n";
    for (const auto& t : timers_) out_ << t->Report(now) << "\n";
  }
  out_ << "\n";
  const double secs = std::chrono::duration<double>(now - start_).count();
  out_ << "Total execution time (sec): " << static_cast<int64_t>(std::llround(secs)) << "\n";
  out_ << "Failures: " << failures_.load() << "\n";
  out_ << "Successful executions: " << successes_.load() << "\n";
  if (failures_.load() > 0) {
    out_ << "Expected " << options_.number_of_tests
         << " --number-of-tests objects!, successfully executed " << successes_.load() << "\n";
  }
  out_ << std::flush;
}

}  // namespace ozone::tools::freon
