#include "ha/raft/transport/inbound_service.h"

#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

#include "ha/raft/transport/raft_wire_codec.h"

namespace ozone::raft {

namespace {
constexpr std::chrono::seconds kUnknownGroupLogInterval{10};
constexpr size_t kMaxUnknownGroupsTracked = 1024;
}  // namespace

InboundService::InboundService(std::string cluster_id, GroupRegistry* registry,
                               TransportCounters* counters)
    : cluster_id_(std::move(cluster_id)), registry_(registry), counters_(counters) {}

grpc::Status InboundService::Stream(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<wire::ServerFrame, wire::ClientFrame>* stream) {
  const std::string peer = context->peer();
  wire::ClientFrame frame;
  if (!stream->Read(&frame)) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "stream ended before the handshake");
  }
  grpc::Status hello_status = CheckHello(frame, peer);
  if (!hello_status.ok()) {
    TransportCounters::Add(counters_->streams_refused, 1);
    return hello_status;
  }
  const std::string sender = frame.hello().sender_address() + " (" + peer + ")";

  wire::ServerFrame answer;
  answer.mutable_hello_ack()->set_protocol_version(kRaftWireProtocolVersion);
  answer.mutable_hello_ack()->set_cluster_id(cluster_id_);
  if (!stream->Write(answer)) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "stream ended during the handshake");
  }
  spdlog::debug("raft transport: accepted stream from {}", sender);

  while (stream->Read(&frame)) Dispatch(&frame, sender);
  spdlog::debug("raft transport: stream from {} ended", sender);
  return grpc::Status::OK;
}

grpc::Status InboundService::CheckHello(const wire::ClientFrame& frame, const std::string& peer) {
  if (!frame.has_hello()) {
    spdlog::warn("raft transport: refused stream from {}: no handshake", peer);
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "raft transport: the first frame of a stream must be a hello");
  }
  const wire::Hello& hello = frame.hello();
  if (hello.protocol_version() != kRaftWireProtocolVersion) {
    std::string message = "raft wire protocol version mismatch: " + hello.sender_address() +
                          " speaks " + std::to_string(hello.protocol_version()) + ", this server " +
                          std::to_string(kRaftWireProtocolVersion);
    spdlog::error("raft transport: refused stream from {}: {}", peer, message);
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, message);
  }
  if (hello.cluster_id() != cluster_id_) {
    std::string message = "cluster id mismatch: " + hello.sender_address() +
                          " belongs to cluster '" + hello.cluster_id() +
                          "', this server to cluster '" + cluster_id_ + "'";
    spdlog::error("raft transport: refused stream from {}: {}", peer, message);
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, message);
  }
  return grpc::Status::OK;
}

void InboundService::Dispatch(wire::ClientFrame* frame, const std::string& sender) {
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

void InboundService::LogUnknownGroup(const GroupId& group, const std::string& sender,
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
