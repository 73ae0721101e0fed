// TcpInbound: one connection a peer dialed to a TcpTransport, from the preamble to its end. It
// lives on one event loop (which owns it): reads the preamble and the Hello, checks them
// (magic and framing version, raft wire protocol version, cluster id: a mismatch is answered
// with a refusal naming both clusters, logged, and the connection closed), answers HelloAck,
// then cuts the stream into frames and hands each to the FrameDispatcher on the loop thread
// (handlers run there, before the next frame is read: frames of one connection never overlap
// and keep their order). Bytes that are not the format (bad preamble, a frame longer than the
// bound, an undecodable frame) close this connection, logged and counted, nothing else; so does
// a peer that has not completed its Hello within the transport's connect timeout.
//
// Thread-safety: only its event loop's thread touches it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ha/raft/transport/event_loop.h"
#include "ha/raft/transport/frame_dispatcher.h"
#include "ha/raft/transport/tcp_frame.h"
#include "ha/raft/transport/transport_counters.h"
#include "raft_wire.pb.h"

namespace ozone::raft {

class TcpInbound final : public EventLoop::Handler {
 public:
  // Everything pointed to must outlive the connection. `peer` names it in logs.
  TcpInbound(int fd, std::string peer, const std::string* cluster_id, size_t max_frame_bytes,
             EventLoop* loop, FrameDispatcher* dispatcher, TransportCounters* counters);

  // The loop registration, set once after EventLoop::AddOwned.
  void set_token(uint64_t token) { token_ = token; }
  // Closes the connection if its handshake is not done (a peer that connects and stays silent
  // must not hold a descriptor forever).
  void CloseIfNoHandshake();

  void OnEvents(uint32_t events) override;

 private:
  enum class Phase : uint8_t { kPreamble, kHello, kFrames, kClosed };

  // Consumes complete units of the stream; false once the connection was closed.
  bool Process();
  bool CheckHello(const wire::ClientFrame& frame);
  void Answer(const wire::ServerFrame& answer);
  void Close();

  const int fd_;
  const std::string peer_;
  const std::string* const cluster_id_;
  const size_t max_frame_bytes_;
  EventLoop* const loop_;
  FrameDispatcher* const dispatcher_;
  TransportCounters* const counters_;
  uint64_t token_ = 0;
  Phase phase_ = Phase::kPreamble;
  FrameReader reader_;
  wire::ClientFrame frame_;  // reused between frames (keeps its allocations)
  std::string sender_;       // "<advertised address> (<ip:port>)" once the Hello is read
};

}  // namespace ozone::raft
