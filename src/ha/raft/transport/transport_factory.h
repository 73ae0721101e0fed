// Choosing and starting the transport between Raft processes: TcpTransport (the default: plain
// TCP, fewest wakeups per message) or GrpcTransport (gRPC streams; the one that speaks TLS).
// raft_node, raft_transport_bench and the HA layer start theirs here.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "ha/raft/transport/transport.h"

namespace ozone::raft {

enum class TransportKind : uint8_t { kTcp, kGrpc };

// What the engine uses unless told otherwise.
inline constexpr TransportKind kDefaultTransportKind = TransportKind::kTcp;

// "tcp" or "grpc" (case-insensitive); InvalidArgument otherwise.
Result<TransportKind> ParseTransportKind(std::string_view name);
std::string_view TransportKindName(TransportKind kind);

// The options both transports share; the rest keep their defaults.
struct TransportStartOptions {
  std::string listen_address;  // "host:port"; port 0 picks one
  std::string cluster_id;
  std::string advertised_address;  // default: listen host with the bound port
  // TLS (PEM). TLS needs TransportKind::kGrpc: the TCP transport refuses it.
  std::optional<std::string> tls_ca_pem, tls_cert_pem, tls_key_pem;
  // Completion-queue threads (gRPC) or event-loop threads (TCP). 0: the transport's default.
  int threads = 0;
};

struct StartedTransport {
  std::unique_ptr<Transport> transport;
  int port = 0;  // the bound port
};

// Starts a transport of `kind`. The errors of GrpcTransport::Start / TcpTransport::Start.
Result<StartedTransport> StartTransport(TransportKind kind, const TransportStartOptions& options);

}  // namespace ozone::raft
