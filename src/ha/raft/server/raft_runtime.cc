#include "ha/raft/server/raft_runtime.h"

#include "common/thread_name.h"

namespace ozone::raft {

namespace {
size_t PoolSize(size_t requested) {
  if (requested > 0) return requested;
  size_t cpus = std::thread::hardware_concurrency();
  return cpus < 2 ? 2 : cpus;
}
}  // namespace

RaftRuntime::RaftRuntime(Transport* transport, RaftRuntimeOptions options)
    : transport_(transport), options_(options), pool_(PoolSize(options.threads), "raft") {
  ticker_ = std::thread([this] {
    NameThisThread("raft-ticker");
    RunTicker();
  });
}

RaftRuntime::~RaftRuntime() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  ticker_.join();
}

uint64_t RaftRuntime::AddTicker(std::function<void()> fn) {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t id = next_id_++;
  tickers_.emplace(id, std::move(fn));
  return id;
}

void RaftRuntime::RemoveTicker(uint64_t id) {
  std::lock_guard<std::mutex> l(mu_);  // the ticker holds mu_ while calling back
  tickers_.erase(id);
}

void RaftRuntime::RunTicker() {
  auto next = std::chrono::steady_clock::now() + options_.tick_interval;
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    if (cv_.wait_until(l, next, [&] { return stopping_; })) break;
    for (auto& [id, fn] : tickers_) fn();
    next += options_.tick_interval;
    auto now = std::chrono::steady_clock::now();
    if (next < now) next = now + options_.tick_interval;  // we fell behind: do not burst
  }
}

}  // namespace ozone::raft
