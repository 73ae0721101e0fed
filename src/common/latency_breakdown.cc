#include "common/latency_breakdown.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace ozone {

std::string_view WriteStageName(WriteStage stage) {
  switch (stage) {
    case WriteStage::kRequestRead:
      return "request-read";
    case WriteStage::kSubmitted:
      return "submitted";
    case WriteStage::kProposalTaken:
      return "proposal-taken";
    case WriteStage::kReadyTaken:
      return "ready-taken";
    case WriteStage::kAppendsSent:
      return "appends-sent";
    case WriteStage::kSendsFlushed:
      return "sends-flushed";
    case WriteStage::kLogSyncStarted:
      return "log-sync-started";
    case WriteStage::kPersisted:
      return "persisted";
    case WriteStage::kCommitted:
      return "committed";
    case WriteStage::kApplyStarted:
      return "apply-started";
    case WriteStage::kApplied:
      return "applied";
    case WriteStage::kAnswered:
      return "answered";
    case WriteStage::kCount:
      break;
  }
  return "?";
}

LatencyBreakdown::LatencyBreakdown(size_t window) : window_(std::max<size_t>(window, 1)) {}

void LatencyBreakdown::Mark(WriteStage stage, int64_t now_us) {
  Slot& s = marks_[static_cast<size_t>(stage)];
  s.at.store(now_us, std::memory_order_relaxed);
  s.request.store(request_.load(std::memory_order_relaxed), std::memory_order_release);
}

std::optional<std::string> LatencyBreakdown::End(int64_t now_us) {
  Mark(WriteStage::kAnswered, now_us);
  std::lock_guard<std::mutex> l(mu_);
  const uint64_t request = request_.load(std::memory_order_relaxed);
  std::optional<int64_t> previous;
  for (size_t i = 0; i < kStages; ++i) {
    const Slot& s = marks_[i];
    if (s.request.load(std::memory_order_acquire) != request) continue;  // not passed this time
    const int64_t at = s.at.load(std::memory_order_relaxed);
    if (previous) spans_[i].push_back(at - *previous);
    previous = at;
  }
  request_.fetch_add(1, std::memory_order_relaxed);
  if (++ended_ < window_) return std::nullopt;
  return Report();
}

std::string LatencyBreakdown::Report() {
  std::string line = fmt::format(
      "latency breakdown over {} requests (us since the previous "
      "stage, p50/p90):",
      ended_);
  for (size_t i = 0; i < kStages; ++i) {
    std::vector<int64_t>& v = spans_[i];
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    line += fmt::format(" {} {}/{}", WriteStageName(static_cast<WriteStage>(i)), v[v.size() / 2],
                        v[v.size() * 9 / 10]);
    v.clear();
  }
  ended_ = 0;
  return line;
}

namespace {
LatencyBreakdown& Probe() {
  static LatencyBreakdown probe(3000);
  return probe;
}
int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void RecordProbeMark(WriteStage stage) { Probe().Mark(stage, NowMicros()); }

void RecordProbeEnd() {
  if (std::optional<std::string> line = Probe().End(NowMicros())) spdlog::info("{}", *line);
}

}  // namespace ozone
