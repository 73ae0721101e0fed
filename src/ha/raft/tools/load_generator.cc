#include "ha/raft/tools/load_generator.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <vector>

#include "common/latency_breakdown.h"

namespace ozone::raft {

namespace {

using Clock = std::chrono::steady_clock;

int64_t WallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "put k<n> <padding>" of exactly `bytes` bytes (at least the key).
std::string Command(uint64_t n, size_t bytes) {
  std::string cmd = "put k" + std::to_string(n % 4096) + " ";
  if (cmd.size() < bytes) cmd.append(bytes - cmd.size(), 'v');
  return cmd;
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

Result<std::string> RunLoad(RaftServer& server, const LoadSpec& spec) {
  if (!server.IsLeaderReady()) return Status::NotLeader("load must run on the ready leader");
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  uint64_t ok = 0, errors = 0;
  std::vector<double> latencies_ms;
  latencies_ms.reserve(1 << 20);

  auto start = Clock::now();
  auto end = start + spec.duration;
  uint64_t n = 0;
  while (Clock::now() < end) {
    {
      std::unique_lock<std::mutex> l(mu);
      cv.wait(l, [&] { return outstanding < spec.inflight; });
      ++outstanding;
    }
    auto t0 = Clock::now();
    ProbeMark(WriteStage::kRequestRead);  // OZONE_LATENCY_PROBE: the leader's stages, as in the OM
    server.ProposeAsync(Command(n++, spec.entry_bytes), [&, t0](Result<std::string> r) {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      ProbeEnd();
      {
        std::lock_guard<std::mutex> l(mu);
        if (r.ok()) {
          ++ok;
          latencies_ms.push_back(ms);
        } else {
          ++errors;
        }
        --outstanding;
      }
      cv.notify_one();
    });
  }
  double elapsed;
  {
    std::unique_lock<std::mutex> l(mu);
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    cv.wait_for(l, std::chrono::seconds(30), [&] { return outstanding == 0; });
  }
  std::vector<double> sorted;
  {
    std::lock_guard<std::mutex> l(mu);
    sorted = latencies_ms;
  }
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (double v : sorted) sum += v;
  char line[512];
  std::snprintf(line, sizeof(line),
                "RESULT [%s] mode=apply nodes=%d inflight=%d entry_bytes=%zu ok=%llu errors=%llu "
                "elapsed_s=%.3f qps=%.1f lat_ms avg=%.3f p50=%.3f p90=%.3f p99=%.3f max=%.3f",
                spec.label.c_str(), spec.nodes, spec.inflight, spec.entry_bytes,
                static_cast<unsigned long long>(ok), static_cast<unsigned long long>(errors),
                elapsed, static_cast<double>(ok) / elapsed,
                sorted.empty() ? 0.0 : sum / static_cast<double>(sorted.size()),
                Percentile(sorted, 0.5), Percentile(sorted, 0.9), Percentile(sorted, 0.99),
                sorted.empty() ? 0.0 : sorted.back());
  return std::string(line);
}

FailoverProbe::FailoverProbe(RaftServer* server, std::string csv_path, int endpoint)
    : server_(server), csv_path_(std::move(csv_path)), endpoint_(endpoint) {
  thread_ = std::thread([this] { Run(); });
}

FailoverProbe::~FailoverProbe() { Stop(); }

void FailoverProbe::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void FailoverProbe::Run() {
  bool fresh = access(csv_path_.c_str(), F_OK) != 0;
  int fd = ::open(csv_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  auto write_line = [&](const std::string& s) { (void)!::write(fd, s.data(), s.size()); };
  if (fresh) write_line("wall_ns,ok,endpoint,latency_us,code\n");
  uint64_t n = 0;
  while (!stop_) {
    if (!server_->IsLeaderReady()) {
      // Polling leadership is what a client does too; 1 ms keeps the probe's own delay small.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    auto t0 = Clock::now();
    auto f = server_->Propose(Command(n++, 104));
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) continue;
    Result<std::string> r = f.get();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
    int code = r.ok() ? 0 : static_cast<int>(r.status().code());
    write_line(std::to_string(WallNanos()) + "," + (r.ok() ? "1" : "0") + "," +
               std::to_string(endpoint_) + "," + std::to_string(us) + "," + std::to_string(code) +
               "\n");
  }
  ::close(fd);
}

}  // namespace ozone::raft
