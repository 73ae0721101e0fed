#include "ha/raft/transport/frame_dispatcher.h"

#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

#include "ha/raft/transport/raft_wire_codec.h"

namespace ozone::raft {

namespace {
constexpr std::chrono::seconds kUnknownGroupLogInterval{10};
constexpr size_t kMaxUnknownGroupsTracked = 1024;
}  // namespace

void FrameDispatcher::Dispatch(wire::ClientFrame* frame, const std::string& sender) {
  TransportCounters::Add(counters_->batches_received, 1);
  for (wire::GroupMessages& group : *frame->mutable_groups()) {
    size_t malformed = 0;
    const bool known = registry_->Deliver(group.group_id(), [&] {
      std::vector<Message> batch;
      batch.reserve(group.messages_size());
      for (wire::MessageProto& proto : *group.mutable_messages()) {
        Result<Message> message = DecodeMessage(&proto);
        if (!message.ok()) {
          if (malformed++ == 0) {
            spdlog::warn("raft transport: dropping undecodable message of group {} from {}: {}",
                         group.group_id(), sender, message.status().ToString());
          }
          continue;
        }
        batch.push_back(std::move(message).value());
      }
      TransportCounters::Add(counters_->messages_received, batch.size());
      return batch;
    });
    TransportCounters::Add(counters_->dropped_malformed, malformed);
    if (!known) {
      TransportCounters::Add(counters_->dropped_unknown_group, group.messages_size());
      LogUnknownGroup(group.group_id(), sender, group.messages_size());
    }
  }
}

void FrameDispatcher::LogUnknownGroup(const GroupId& group, const std::string& sender,
                                      size_t count) {
  const auto now = std::chrono::steady_clock::now();
  uint64_t dropped = 0;
  {
    std::lock_guard lock(log_mu_);
    if (unknown_groups_.size() > kMaxUnknownGroupsTracked) unknown_groups_.clear();
    auto [it, first] = unknown_groups_.try_emplace(group);
    it->second.dropped += count;
    if (!first && now - it->second.last < kUnknownGroupLogInterval) return;
    dropped = it->second.dropped;
    it->second.dropped = 0;
    it->second.last = now;
  }
  spdlog::warn("raft transport: dropped {} message(s) from {} for group {}, which has no handler",
               dropped, sender, group);
}

}  // namespace ozone::raft
