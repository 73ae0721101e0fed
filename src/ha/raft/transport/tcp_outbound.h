// TcpOutbound: everything a TcpTransport does for one destination address: the queue of
// messages to it, the connection it dials (preamble, Hello, HelloAck), batched writes,
// reconnection with backoff and unreachable reports (the behaviour tcp_transport.h describes).
//
// States: kIdle (no connection; the first message queued schedules an attempt on the event
// loop) -> kResolving (host name on the resolver thread) -> kConnecting (TCP connect to each
// resolved address in turn) -> kHandshake (preamble and Hello written, waiting for the answer)
// -> kConnected (writes flow) -> kClosing (a write on a caller's thread failed; the loop closes)
// -> kIdle; a failed attempt -> kBackoff -> kIdle. Attempts are numbered: a timer or a resolver
// answer of an earlier attempt is ignored.
//
// Writing: Enqueue writes on the caller's thread when the connection is up and nothing is
// waiting to be written; otherwise the loop writes when the socket is writable (EPOLLOUT is
// asked for exactly while bytes wait). Frames are accounted until fully handed to the kernel:
// messages_sent counts them then; a connection that breaks drops the rest.
//
// Thread-safety: Enqueue and Stop from any thread; the rest runs on the event loop the
// destination belongs to. One mutex guards the state; handlers and reports run outside it.
// CloseAfterStop once the loop has stopped.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "ha/raft/message.h"
#include "ha/raft/transport/backoff.h"
#include "ha/raft/transport/event_loop.h"
#include "ha/raft/transport/group_registry.h"
#include "ha/raft/transport/tcp_frame.h"
#include "ha/raft/transport/tcp_socket.h"
#include "ha/raft/transport/transport_counters.h"

namespace ozone::raft {

// What every TcpOutbound of one transport shares. Immutable once outbounds exist.
struct TcpOutboundConfig {
  std::string cluster_id;
  std::string sender_address;  // sent in the Hello, for the peer's logs
  size_t max_queue_bytes = 0;
  size_t max_batch_bytes = 0;
  std::chrono::milliseconds initial_backoff{0};
  std::chrono::milliseconds max_backoff{0};
  std::chrono::milliseconds connect_timeout{0};
  KeepaliveOptions keepalive;
};

class TcpOutbound;

// While a SendScope lives on a thread, a Send on that thread to a connected destination with
// nothing pending queues instead of writing, and the scope's end writes what queued, one frame per
// destination. An inbound connection opens one around the handlers of each frame it delivers: the
// replies a batch provokes leave together, as soon as the handlers return. Scopes nest (the
// innermost collects).
class SendScope {
 public:
  SendScope();
  ~SendScope();  // flushes
  SendScope(const SendScope&) = delete;
  SendScope& operator=(const SendScope&) = delete;

  // The scope of this thread, or null.
  static SendScope* Current();
  // Remembers `outbound` to flush at the end (once).
  void Defer(TcpOutbound* outbound);
  // Writes what was deferred so far; the scope goes on collecting.
  void Flush();

 private:
  SendScope* const previous_;
  std::vector<TcpOutbound*> deferred_;
};

class TcpOutbound final : public EventLoop::Handler {
 public:
  // Everything pointed to must outlive the outbound.
  TcpOutbound(std::string address, const TcpOutboundConfig* config, EventLoop* loop,
              Resolver* resolver, GroupRegistry* registry, TransportCounters* counters);
  ~TcpOutbound() override;
  TcpOutbound(const TcpOutbound&) = delete;
  TcpOutbound& operator=(const TcpOutbound&) = delete;

  // Queues `message` or drops it (counted): queue over its bound, or stopped. Writes at once
  // when connected and idle. Never blocks on the network, never runs a handler.
  void Enqueue(const GroupId& group, Message message);

  // Writes what a SendScope deferred, if the connection is still up and idle.
  void FlushDeferred();

  // Drops what is queued or unwritten (dropped_shutdown); afterwards Enqueue drops and no loop
  // callback does anything.
  void Stop();
  // Closes the socket. REQUIRES: Stop() was called and the event loop no longer runs.
  void CloseAfterStop();

  void OnEvents(uint32_t events) override;

 private:
  using PeerKey = std::pair<GroupId, PeerId>;
  struct Queued {
    GroupId group;
    Message message;
    size_t bytes = 0;
  };
  // A frame in out_: bytes not yet written, its messages and their peers.
  struct PendingFrame {
    size_t bytes_left = 0;
    size_t messages = 0;
    std::vector<PeerKey> peers;
  };
  enum class State : uint8_t {
    kIdle,
    kResolving,
    kConnecting,
    kHandshake,
    kConnected,
    kClosing,
    kBackoff,
  };
  // What to do once mu_ is released.
  struct Aftermath {
    std::vector<PeerKey> unreachable;
    Status failure;  // to log, when not OK
    std::chrono::milliseconds retry_in{0};
    int failures = 0;
    bool log_failure = false;
    bool news = false;
    std::string connected_log;
  };

  // Loop thread.
  void StartConnectTask();
  void StartConnectLocked(Aftermath* after);
  void OnResolved(uint64_t attempt, Result<std::vector<SocketAddress>> addresses);
  void ConnectNextLocked(Aftermath* after);
  void OnConnectTimeout(uint64_t attempt);
  void OnBackoffDone(uint64_t attempt);
  void OnBrokenTask(uint64_t attempt);
  void ReportOverflowTask();
  void OnConnectedEvents(uint32_t events, Aftermath* after);
  void OnHandshakeReadable(Aftermath* after);
  // Closes the connection (if any) and handles the failure: a failed attempt backs off and drops
  // the queue; a broken connection drops its unwritten frames and reconnects if work is queued.
  void FailLocked(Status why, Aftermath* after);
  void CloseSocketLocked();
  void Finish(std::unique_lock<std::mutex>& lock, Aftermath& after);

  // Any thread, under mu_.
  void TakeBatchLocked();
  // Writes out_ and the queue (in frames of up to max_batch_bytes) until both are empty or the
  // socket is full; false on a socket error (errno in write_errno_).
  bool FlushLocked();
  // FlushLocked from any thread; a socket error moves to kClosing for the loop to handle.
  void FlushOrCloseLocked();
  // Writes what out_ holds; false on a socket error (errno in write_errno_).
  bool WriteLocked();
  void SetWantWriteLocked(bool want);
  bool AttemptInProgressLocked() const {
    return state_ == State::kResolving || state_ == State::kConnecting ||
           state_ == State::kHandshake;
  }

  const std::string address_;
  const TcpOutboundConfig* const config_;
  EventLoop* const loop_;
  Resolver* const resolver_;
  GroupRegistry* const registry_;
  TransportCounters* const counters_;

  std::mutex mu_;
  State state_ = State::kIdle;           // GUARDED_BY(mu_)
  bool stopping_ = false;                // GUARDED_BY(mu_)
  uint64_t attempt_ = 0;                 // GUARDED_BY(mu_)
  bool connect_posted_ = false;          // GUARDED_BY(mu_)
  bool overflow_report_posted_ = false;  // GUARDED_BY(mu_)
  std::deque<Queued> queue_;             // GUARDED_BY(mu_)
  size_t queued_bytes_ = 0;              // GUARDED_BY(mu_)
  std::set<PeerKey> overflowed_;         // GUARDED_BY(mu_)
  std::vector<Queued> batch_;            // GUARDED_BY(mu_): scratch of TakeBatchLocked
  std::vector<GroupedMessage> grouped_;  // GUARDED_BY(mu_): scratch of TakeBatchLocked

  int fd_ = -1;                      // GUARDED_BY(mu_)
  uint64_t token_ = 0;               // GUARDED_BY(mu_): the loop registration of fd_
  bool want_write_ = false;          // GUARDED_BY(mu_): EPOLLOUT asked for
  OutBuffer out_;                    // GUARDED_BY(mu_)
  std::deque<PendingFrame> frames_;  // GUARDED_BY(mu_)
  FrameReader reader_;               // GUARDED_BY(mu_): the handshake answer
  Status closing_status_;            // GUARDED_BY(mu_): why kClosing
  int write_errno_ = 0;              // GUARDED_BY(mu_)

  std::vector<SocketAddress> addresses_;  // GUARDED_BY(mu_): of the attempt
  size_t next_address_ = 0;               // GUARDED_BY(mu_)
  std::string last_connect_error_;        // GUARDED_BY(mu_)

  Backoff backoff_;         // GUARDED_BY(mu_)
  int failures_ = 0;        // GUARDED_BY(mu_): consecutive failed attempts
  std::string last_error_;  // GUARDED_BY(mu_): for log de-duplication
  std::chrono::steady_clock::time_point last_error_time_;  // GUARDED_BY(mu_)
};

}  // namespace ozone::raft
