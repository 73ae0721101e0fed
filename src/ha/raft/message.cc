#include "ha/raft/message.h"

namespace ozone::raft {

std::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kPreVote:
      return "PreVote";
    case MessageType::kPreVoteResponse:
      return "PreVoteResponse";
    case MessageType::kVote:
      return "Vote";
    case MessageType::kVoteResponse:
      return "VoteResponse";
    case MessageType::kAppend:
      return "Append";
    case MessageType::kAppendResponse:
      return "AppendResponse";
    case MessageType::kHeartbeat:
      return "Heartbeat";
    case MessageType::kHeartbeatResponse:
      return "HeartbeatResponse";
    case MessageType::kInstallSnapshot:
      return "InstallSnapshot";
    case MessageType::kTimeoutNow:
      return "TimeoutNow";
  }
  return "Unknown";
}

size_t Message::ByteSize() const {
  size_t n = 64 + from.size() + to.size();
  for (const auto& e : entries) n += e.ByteSize();
  for (const auto& p : snapshot.config.peers) n += p.id.size() + p.address.size() + 8;
  return n;
}

}  // namespace ozone::raft
