#include "ha/raft/transport/tcp_inbound.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ha/raft/transport/raft_wire_codec.h"
#include "ha/raft/transport/tcp_outbound.h"
#include "ha/raft/transport/tcp_socket.h"

namespace ozone::raft {

namespace {
// Before the handshake a peer is not trusted with more than this.
constexpr size_t kMaxHelloBytes = 64 << 10;
// Bytes read from one connection before the loop serves the others (level-triggered: the rest
// is read in the next round).
constexpr size_t kMaxReadPerRound = 1 << 20;
}  // namespace

TcpInbound::TcpInbound(int fd, std::string peer, const std::string* cluster_id,
                       size_t max_frame_bytes, EventLoop* loop, FrameDispatcher* dispatcher,
                       TransportCounters* counters)
    : fd_(fd),
      peer_(std::move(peer)),
      cluster_id_(cluster_id),
      max_frame_bytes_(max_frame_bytes),
      loop_(loop),
      dispatcher_(dispatcher),
      counters_(counters),
      reader_(kMaxHelloBytes),
      sender_(peer_) {}

void TcpInbound::OnEvents(uint32_t /*events*/) {
  size_t total = 0;
  while (total < kMaxReadPerRound) {
    std::span<char> space = reader_.WritableSpace();
    const ssize_t n = ReadSome(fd_, space.data(), space.size());
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      if (n == 0) {
        spdlog::debug("raft transport: connection from {} ended", sender_);
      } else {
        spdlog::debug("raft transport: connection from {} failed: {}", sender_,
                      std::strerror(errno));
      }
      if (reader_.buffered() > 0 && phase_ == Phase::kFrames) {
        spdlog::debug("raft transport: {} bytes of a partial frame from {} discarded",
                      reader_.buffered(), sender_);
      }
      Close();
      return;
    }
    reader_.Commit(static_cast<size_t>(n));
    total += static_cast<size_t>(n);
    if (!Process()) return;
    if (static_cast<size_t>(n) < space.size()) return;  // drained (no need for an EAGAIN read)
  }
}

bool TcpInbound::Process() {
  if (phase_ == Phase::kPreamble) {
    std::string_view preamble;
    if (!reader_.TakeRaw(kTcpPreambleBytes, &preamble)) return true;
    if (preamble != TcpPreamble()) {
      spdlog::warn(
          "raft transport: closed connection from {}: not the raft TCP transport "
          "(bad magic or framing version)",
          peer_);
      TransportCounters::Add(counters_->streams_refused, 1);
      Close();
      return false;
    }
    phase_ = Phase::kHello;
  }
  for (;;) {
    std::string_view body;
    const FrameReader::Next next = reader_.NextFrame(&body);
    if (next == FrameReader::Next::kNeedMore) return true;
    if (next == FrameReader::Next::kTooLarge) {
      spdlog::warn("raft transport: closed connection from {}: a frame longer than {} bytes",
                   sender_, phase_ == Phase::kHello ? kMaxHelloBytes : max_frame_bytes_);
      TransportCounters::Add(counters_->dropped_malformed, 1);
      Close();
      return false;
    }
    frame_.Clear();
    if (!frame_.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      spdlog::warn("raft transport: closed connection from {}: undecodable frame of {} bytes",
                   sender_, body.size());
      TransportCounters::Add(counters_->dropped_malformed, 1);
      Close();
      return false;
    }
    if (phase_ == Phase::kHello) {
      if (!CheckHello(frame_)) return false;
      continue;
    }
    if (frame_.has_hello()) {
      spdlog::warn("raft transport: closed connection from {}: a second hello", sender_);
      TransportCounters::Add(counters_->dropped_malformed, 1);
      Close();
      return false;
    }
    // On this thread: the handlers return before the next frame is taken. What they send leaves
    // when they have returned, one frame per destination.
    SendScope scope;
    dispatcher_->Dispatch(&frame_, sender_);
  }
}

bool TcpInbound::CheckHello(const wire::ClientFrame& frame) {
  std::string refusal;
  if (!frame.has_hello()) {
    refusal = "raft transport: the first frame of a connection must be a hello";
    spdlog::warn("raft transport: refused connection from {}: no handshake", peer_);
  } else if (frame.hello().protocol_version() != kRaftWireProtocolVersion) {
    refusal = "raft wire protocol version mismatch: " + frame.hello().sender_address() +
              " speaks " + std::to_string(frame.hello().protocol_version()) + ", this server " +
              std::to_string(kRaftWireProtocolVersion);
    spdlog::error("raft transport: refused connection from {}: {}", peer_, refusal);
  } else if (frame.hello().cluster_id() != *cluster_id_) {
    refusal = "cluster id mismatch: " + frame.hello().sender_address() + " belongs to cluster '" +
              frame.hello().cluster_id() + "', this server to cluster '" + *cluster_id_ + "'";
    spdlog::error("raft transport: refused connection from {}: {}", peer_, refusal);
  }
  wire::ServerFrame answer;
  if (!refusal.empty()) {
    TransportCounters::Add(counters_->streams_refused, 1);
    answer.set_refusal(refusal);
    Answer(answer);
    Close();
    return false;
  }
  sender_ = frame.hello().sender_address() + " (" + peer_ + ")";
  answer.mutable_hello_ack()->set_protocol_version(kRaftWireProtocolVersion);
  answer.mutable_hello_ack()->set_cluster_id(*cluster_id_);
  Answer(answer);
  if (phase_ == Phase::kClosed) return false;
  spdlog::debug("raft transport: accepted connection from {}", sender_);
  phase_ = Phase::kFrames;
  reader_.set_max_frame_bytes(max_frame_bytes_);
  return true;
}

void TcpInbound::Answer(const wire::ServerFrame& answer) {
  OutBuffer out;
  AppendProtoFrame(answer.SerializeAsString(), &out);
  // A few dozen bytes into an empty socket buffer: written at once, or the peer is gone.
  if (WriteSome(fd_, &out) < 0 || !out.empty()) {
    spdlog::debug("raft transport: cannot answer {}: {}", sender_, std::strerror(errno));
    Close();
  }
}

void TcpInbound::CloseIfNoHandshake() {
  if (phase_ != Phase::kPreamble && phase_ != Phase::kHello) return;
  spdlog::warn("raft transport: closed connection from {}: no handshake in time", peer_);
  TransportCounters::Add(counters_->streams_refused, 1);
  Close();
}

void TcpInbound::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  loop_->Remove(fd_, token_);  // closes fd_ and frees this object after the current callback
}

}  // namespace ozone::raft
