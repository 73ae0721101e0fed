// TcpTransport: the Transport between processes over plain TCP sockets and epoll (Linux), in the
// framing of TCP_FORMAT.md around raft_wire.proto. The same contract as GrpcTransport, with
// fewer wakeups and syscalls per message: it is the engine's default (see
// DefaultTransportKind in transport_factory.h); GrpcTransport remains for TLS.
//
// Connections. Each transport listens on its listen address. For every destination address it
// sends to, it dials one long-lived TCP connection, used by every group; messages to one
// destination leave on it in the order they were sent. A receiver never answers on a connection
// it accepted: its replies are ordinary Sends on its own connection to the sender's address (two
// peers talking hold two connections, one dialed by each).
//
// Handshake. The dialer writes the preamble (magic "OZRT", framing version) and a Hello with its
// cluster id and raft_wire protocol version; the acceptor answers HelloAck, or a refusal
// ("cluster id mismatch ...", logged on both sides) and closes, so that two clusters never
// exchange a message. Messages queue until the HelloAck arrives. An acceptor closes a connection
// whose preamble, frame length or frame bytes are not what the format allows (a rogue or
// confused peer) without affecting the others.
//
// Batching. A Send to a connected destination with nothing waiting to be written encodes the
// message into a frame and writes it on the caller's thread (no thread wakeup). When the socket
// cannot take everything (EAGAIN), the rest waits for the socket to become writable; Sends
// meanwhile queue, and when the event loop finds the socket writable, what queued (up to
// max_batch_bytes) is encoded into one frame and leaves in one writev with the rest. Under load
// batches grow by themselves; when idle every message leaves at once. What the handlers of one
// received frame send (a follower's answers to a batch) leaves when they have returned, one
// frame per destination: a handler must not wait for the answer to a message it sent.
//
// Failures. A connection attempt (resolution, TCP connect to each resolved address in turn,
// handshake) that fails or exceeds connect_timeout drops what is queued, reports its peers
// unreachable to their groups, and the next attempt waits an exponential backoff
// (initial_backoff doubling to max_backoff, ±20% jitter; reset by a successful handshake). A
// connection that breaks (write error, end of stream, reset) drops the frames not yet fully
// handed to the kernel (and, like GrpcTransport, never sends anything twice), reports their peers
// and reconnects at once if messages are queued; only failed attempts back off. A full queue
// drops the message and reports its peer. Reports run on event-loop threads, never inside Send.
// A destination with nothing queued is not dialed. Host names are resolved on every attempt (on
// the transport's resolver thread, so a slow DNS never holds an event loop), never cached. TCP
// keepalive (keepalive_time / keepalive_timeout) finds peers that vanished without a reset.
//
// Latency. TCP_NODELAY on every socket, dialed and accepted. Handlers run on the event-loop
// thread that read the frame (no hop to another thread); a handler that blocks holds its loop,
// and with it the reads of every connection of that loop. Payload copies: none when sending
// (entry payloads of at least kTcpZeroCopyMinBytes are written from their shared buffers by
// writev, smaller ones are copied into the frame), one when receiving (out of the read buffer
// into the entry's payload).
//
// Threads: event_loop_threads loops ("raft-tcp-N"; connections are spread over them, the
// listening socket is on the first), and one resolver thread ("raft-resolve").
//
// TLS. Not implemented: Start refuses options that ask for it (InvalidArgument saying so), so
// that a caller that needs TLS uses GrpcTransport. The seam for it is the connection's socket
// I/O (TcpConnectionIo in tcp_transport.cc): a TLS version wraps those reads and writes and adds
// its handshake before the preamble.
//
// Thread-safety: as Transport.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "ha/raft/transport/transport.h"

namespace ozone::raft {

struct TcpTransportOptions {
  // Where to listen, "host:port" ("0.0.0.0:9894", "127.0.0.1:0", "[::]:9894", "localhost:0").
  // Port 0 picks a free port, read back with TcpTransport::port(). Default: none (required).
  std::string listen_address;
  // The cluster this server belongs to; connections between clusters are refused in the
  // handshake. Default: none (required).
  std::string cluster_id;
  // The address peers reach this server at, sent in the Hello for their logs.
  // Default: the host of listen_address with the bound port.
  std::string advertised_address;

  // TLS material, as GrpcTransportOptions. TcpTransport does not speak TLS yet: Start fails with
  // InvalidArgument when any of these is set. Default: none.
  std::optional<std::string> tls_ca_pem;
  std::optional<std::string> tls_cert_pem;
  std::optional<std::string> tls_key_pem;

  // Bytes of messages queued for one destination (Message::ByteSize() plus the group id); Send
  // drops beyond it. A single message larger than the bound is accepted into an empty queue.
  // Default: 64 MiB (RaftOptions allows 64 Appends of 1 MiB in flight per follower).
  size_t max_queue_bytes = size_t{64} << 20;
  // Bytes of messages put into one frame (at least one message is). Default: 1 MiB.
  size_t max_batch_bytes = size_t{1} << 20;
  // Largest frame accepted from a peer; a longer one closes the connection. Default: 256 MiB.
  size_t max_receive_frame_bytes = size_t{256} << 20;

  // Delay before reconnecting after a failed attempt, doubling per failure up to max_backoff,
  // with ±20% jitter. Default: 50 ms, up to 1 s.
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{1000};
  // Longest a connection attempt (resolution, TCP connect, handshake) may take. Default: 2 s.
  std::chrono::milliseconds connect_timeout{2000};
  // TCP keepalive on idle connections: first probe after keepalive_time, a dead peer is given up
  // after about keepalive_timeout more. Default: 10 s and 5 s (as GrpcTransport's pings).
  std::chrono::milliseconds keepalive_time{10000};
  std::chrono::milliseconds keepalive_timeout{5000};

  // Event-loop threads: they read, run handlers, write what queued behind a pending write,
  // connect. Handlers of connections on different loops run in parallel. Default: 2.
  int event_loop_threads = 2;
};

class TcpTransport final : public Transport {
 public:
  // Validates `options`, binds and listens (bound when this returns), starts the threads.
  // InvalidArgument for bad options (TLS included); Unavailable if the address cannot be bound.
  static Result<std::unique_ptr<TcpTransport>> Start(TcpTransportOptions options);

  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  // The port it listens on (the chosen one when listen_address had port 0).
  int port() const;
  const TcpTransportOptions& options() const;

  Status RegisterGroup(const GroupId& group, GroupHandler handler) override;
  void UnregisterGroup(const GroupId& group) override;
  void Send(const GroupId& group, const std::string& address, Message message) override;
  void FlushHeldSends() override;
  // Closes every connection and the listening socket and joins the threads. Bounded: waits for
  // handlers already running and for a host-name lookup in progress, never for the network.
  void Shutdown() override;
  TransportStats stats() const override;

 private:
  class Impl;
  explicit TcpTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozone::raft
