#include "ha/raft/sim/sim_trace.h"

namespace ozone::raft::sim {

void SimTrace::Enable(std::ostream* out, size_t tail) {
  enabled_ = true;
  out_ = out;
  tail_limit_ = tail;
}

void SimTrace::Line(std::string text) {
  std::string line = fmt::format("[{:>9.3f}ms] {}", static_cast<double>(*now_) / 1000.0, text);
  if (out_ != nullptr) *out_ << line << '\n';
  if (tail_limit_ == 0) return;
  if (tail_.size() == tail_limit_) tail_.pop_front();
  tail_.push_back(std::move(line));
}

std::string DescribeMessage(const Message& m) {
  std::string s =
      fmt::format("{} {}->{} t{}", MessageTypeName(m.type), m.from, m.to, m.term.value());
  switch (m.type) {
    case MessageType::kPreVote:
    case MessageType::kVote:
      s += fmt::format(" last {}/t{}{}", m.last_log_index.value(), m.last_log_term.value(),
                       m.transfer ? " transfer" : "");
      break;
    case MessageType::kPreVoteResponse:
    case MessageType::kVoteResponse:
      s += m.reject ? " reject" : " grant";
      break;
    case MessageType::kAppend:
      s += fmt::format(" prev {}/t{} n={}", m.prev_log_index.value(), m.prev_log_term.value(),
                       m.entries.size());
      if (!m.entries.empty()) {
        s += fmt::format(" [{}..{}]", m.entries.front().index.value(),
                         m.entries.back().index.value());
      }
      s += fmt::format(" commit {}", m.commit.value());
      break;
    case MessageType::kAppendResponse:
      s += fmt::format(" {} index {}", m.reject ? "reject" : "ok", m.index.value());
      if (m.reject) s += fmt::format(" hint {}/t{}", m.hint_index.value(), m.hint_term.value());
      s += fmt::format(" commit {}", m.commit.value());
      break;
    case MessageType::kHeartbeat:
      s += fmt::format(" commit {} ctx {}", m.commit.value(), m.context);
      break;
    case MessageType::kHeartbeatResponse:
      s += fmt::format(" ctx {} commit {}", m.context, m.commit.value());
      break;
    case MessageType::kInstallSnapshot:
      s += fmt::format(" snapshot {}/t{}", m.snapshot.index.value(), m.snapshot.term.value());
      break;
    case MessageType::kTimeoutNow:
      break;
  }
  return s;
}

}  // namespace ozone::raft::sim
