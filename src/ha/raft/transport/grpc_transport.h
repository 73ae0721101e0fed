// GrpcTransport: the Transport between processes, over gRPC (HTTP/2 over TCP, optionally TLS).
//
// Connections. Each transport runs a gRPC server on its listen address. For every destination
// address it sends to, it dials one long-lived bidirectional stream (RaftTransport.Stream in
// raft_wire.proto). Client -> server frames carry batches of messages; server -> client carries
// only the handshake answer and the final status. A receiver never answers on the stream it
// received from: its replies are ordinary Sends, which travel on the receiver's own stream to
// the sender's address (so two peers talking hold two streams, one dialed by each).
//
// Handshake. The first frame of a stream is a Hello with the sender's cluster id; the server
// answers HelloAck, or ends the stream with FAILED_PRECONDITION ("cluster id mismatch ...")
// when the ids differ, so that two clusters never exchange a message. The sender logs the
// refusal, drops what it had queued and backs off.
//
// Batching. A Send to a connected stream with no write in flight encodes the message into a
// frame and starts its write on the caller's thread. While a write is in flight, Sends queue;
// when it completes, everything queued (up to max_batch_bytes) leaves in one frame (consecutive
// messages of one group share one group header), so under load batches grow by themselves and
// when idle every message leaves at once.
//
// Failures. A connection attempt (resolution, TCP connect, TLS, handshake) that fails or
// exceeds connect_timeout drops what is queued, reports its peers unreachable to their groups,
// and the next attempt waits an exponential backoff (initial_backoff doubling to max_backoff,
// ±20% jitter; reset by a successful handshake). A stream whose write fails or that the peer
// ends (peer gone or restarted) drops the batch in flight (it may or may not have arrived;
// nothing is ever sent twice), reports its peers and reconnects at once if messages are queued;
// only failed attempts back off. A destination with nothing queued is not dialed. Host names
// are resolved by gRPC's resolver on every connection attempt (a fresh channel per attempt),
// never cached. Dead connections are found by failed writes, by the end of the stream and by
// HTTP/2 keepalive pings.
//
// Latency. gRPC sets TCP_NODELAY on every TCP socket it dials or accepts, so nothing is set
// here; the test TcpNoDelayOnBothEnds checks it on both ends. Everything runs on gRPC's
// asynchronous API with one completion queue served by completion_queue_threads threads of the
// transport: the thread that polls a socket and completes a read decodes the frame and runs the
// group's handler (no hop to another thread), and an idle stream's Send writes from the caller's
// thread (no hop either); a completion-queue thread takes over only to write what queued while a
// write was in flight. Payloads are copied once into the proto when sent and moved out of it when
// received.
//
// Threads: completion_queue_threads threads ("raft-cq") for the life of the transport, plus
// gRPC's internal ones (timers, resolver). Handlers and unreachable reports run on the
// completion-queue threads; a handler that blocks holds one of them (and the reads of its
// stream: the next frame of a stream is read once its handlers have returned).
//
// TLS. With tls_cert_pem and tls_key_pem the server serves TLS and the channels present that
// certificate (mTLS); with tls_ca_pem as well, peers are verified against that CA and the
// server requires client certificates. Without them everything is plaintext.
//
// Thread-safety: as Transport. Handlers run on the transport's completion-queue threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "ha/raft/transport/transport.h"

namespace ozone::raft {

struct GrpcTransportOptions {
  // Where the server listens, "host:port" ("0.0.0.0:9894", "127.0.0.1:0"). Port 0 picks a free
  // port, read back with GrpcTransport::port(). Default: none (required).
  std::string listen_address;
  // The cluster this server belongs to (Ozone's clusterId). Streams between servers of
  // different clusters are refused in the handshake. Default: none (required).
  std::string cluster_id;
  // The address peers reach this server at, sent in the handshake for their logs.
  // Default: the host of listen_address with the bound port.
  std::string advertised_address;

  // PEM of the CA that signs peers' certificates; with it the server requires client
  // certificates and channels verify servers against it (else against the system roots).
  // Default: none.
  std::optional<std::string> tls_ca_pem;
  // PEM certificate chain and private key of this server, used as server certificate and as
  // client certificate. Both or neither; with them TLS is on. Default: none (plaintext).
  std::optional<std::string> tls_cert_pem;
  std::optional<std::string> tls_key_pem;
  // The name expected in peers' certificates instead of the host of their address (when
  // certificates name services rather than hosts). Default: "" (the host of the address).
  std::string tls_server_name_override;

  // Bytes of messages queued for one destination (Message::ByteSize()); Send drops beyond it.
  // A single message larger than the bound is accepted into an empty queue. Default: 64 MiB
  // (RaftOptions allows 64 Appends of 1 MiB in flight per follower).
  size_t max_queue_bytes = size_t{64} << 20;
  // Bytes of messages put into one frame (at least one message is). Default: 1 MiB.
  size_t max_batch_bytes = size_t{1} << 20;
  // Largest frame the server accepts. Default: 256 MiB.
  int max_receive_message_bytes = 256 << 20;

  // Delay before reconnecting after a failed attempt, doubling per failure up to max_backoff,
  // with ±20% jitter. Default: 50 ms, up to 1 s (a restarted peer is reached within ~1 s).
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{1000};
  // Longest a connection attempt (resolution, TCP, TLS, handshake) may take. Default: 2 s.
  std::chrono::milliseconds connect_timeout{2000};
  // HTTP/2 keepalive pings on idle connections, so that a dead peer is noticed even when
  // no write fails. Default: every 10 s, dead after 5 s without an answer.
  std::chrono::milliseconds keepalive_time{10000};
  std::chrono::milliseconds keepalive_timeout{5000};

  // Threads polling the transport's completion queue: they read, run handlers, write what queued
  // behind a write in flight, connect. Handlers of different streams run in parallel up to this
  // many. Default: 2.
  int completion_queue_threads = 2;
};

class GrpcTransport final : public Transport {
 public:
  // Validates `options`, starts the server (bound when this returns) and returns the transport.
  // InvalidArgument for bad options or TLS material; Unavailable if the address cannot be bound.
  static Result<std::unique_ptr<GrpcTransport>> Start(GrpcTransportOptions options);

  ~GrpcTransport() override;
  GrpcTransport(const GrpcTransport&) = delete;
  GrpcTransport& operator=(const GrpcTransport&) = delete;

  // The port the server is bound to (the chosen one when listen_address had port 0).
  int port() const;
  const GrpcTransportOptions& options() const;

  Status RegisterGroup(const GroupId& group, GroupHandler handler) override;
  void UnregisterGroup(const GroupId& group) override;
  void Send(const GroupId& group, const std::string& address, Message message) override;
  // Cancels every stream (outbound and inbound), stops the server and joins the
  // completion-queue threads. Bounded: does not wait for the network, only for handlers already
  // running.
  void Shutdown() override;
  TransportStats stats() const override;

 private:
  class Impl;
  explicit GrpcTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozone::raft
