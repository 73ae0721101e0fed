// Where one replicated write's time goes on the leader, stage by stage, under a load of one
// request at a time (bench/om_bench at 1 outstanding): each stage's time since the previous
// stage marked for the same request, as p50 / p90 over a window of requests.
//
// LatencyBreakdown is the arithmetic. ProbeMark / ProbeEnd are the process-wide probe that the
// write path marks; with OZONE_LATENCY_PROBE=1 in an OM's environment (or a raft_node's, whose
// load generator marks its proposals), the leader logs one `latency breakdown` line per 3,000
// answered writes (see bench/README.md).
//
// Under concurrent requests the marks of different requests interleave and the figures mean
// nothing; that is a limit of the tool, not an error.
//
// Thread-safety: Mark and End may be called from any thread, concurrently.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ozone {

// In the order a replicated write on the leader passes them.
enum class WriteStage : uint8_t {
  kRequestRead,     // the OM read the client's request
  kSubmitted,       // PreExecute done, the entry handed to Raft
  kProposalTaken,   // the protocol strand took the proposal
  kReadyTaken,      // the leader's round with the new entry began
  kAppendsSent,     // its messages handed to the transport
  kSendsFlushed,    // what the transport held left before the leader's own sync
  kLogSyncStarted,  // fdatasync of the Raft log began
  kPersisted,       // the leader's own copy is durable
  kCommitted,       // the entry is committed (a quorum holds it)
  kApplyStarted,    // the state machine began applying it
  kApplied,         // its result reached the submitter
  kAnswered,        // the answer was written to the client
  kCount,
};

std::string_view WriteStageName(WriteStage stage);

class LatencyBreakdown {
 public:
  // A report every `window` ended requests.
  explicit LatencyBreakdown(size_t window);

  // The current request passed `stage` at `now_us` (the last mark of a stage wins).
  void Mark(WriteStage stage, int64_t now_us);
  // The current request was answered at `now_us`: its stages' times are recorded and the next
  // request begins. Returns the report line when a window is complete.
  std::optional<std::string> End(int64_t now_us);

 private:
  struct Slot {
    std::atomic<int64_t> at{0};
    std::atomic<uint64_t> request{0};
  };
  static constexpr size_t kStages = static_cast<size_t>(WriteStage::kCount);

  std::string Report();

  const size_t window_;
  std::array<Slot, kStages> marks_;
  std::atomic<uint64_t> request_{1};
  std::mutex mu_;  // guards the members below
  std::array<std::vector<int64_t>, kStages> spans_;
  size_t ended_ = 0;
};

// The process-wide probe the write path marks: off unless the process runs with
// OZONE_LATENCY_PROBE set in its environment (then a mark costs a clock read and two atomic
// stores; off, the test of a flag).
inline bool LatencyProbeOn() {
  static const bool on = std::getenv("OZONE_LATENCY_PROBE") != nullptr;
  return on;
}
void RecordProbeMark(WriteStage stage);
void RecordProbeEnd();
inline void ProbeMark(WriteStage stage) {
  if (LatencyProbeOn()) RecordProbeMark(stage);
}
inline void ProbeEnd() {
  if (LatencyProbeOn()) RecordProbeEnd();
}

}  // namespace ozone
