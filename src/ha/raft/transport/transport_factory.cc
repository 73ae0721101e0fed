#include "ha/raft/transport/transport_factory.h"

#include <algorithm>
#include <cctype>

#include "ha/raft/transport/grpc_transport.h"
#include "ha/raft/transport/tcp_transport.h"

namespace ozone::raft {

Result<TransportKind> ParseTransportKind(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "tcp") return TransportKind::kTcp;
  if (lower == "grpc") return TransportKind::kGrpc;
  return Status::InvalidArgument("unknown raft transport '" + std::string(name) +
                                 "' (expected tcp or grpc)");
}

std::string_view TransportKindName(TransportKind kind) {
  return kind == TransportKind::kTcp ? "tcp" : "grpc";
}

Result<StartedTransport> StartTransport(TransportKind kind, const TransportStartOptions& o) {
  StartedTransport started;
  if (kind == TransportKind::kTcp) {
    TcpTransportOptions t;
    t.listen_address = o.listen_address;
    t.cluster_id = o.cluster_id;
    t.advertised_address = o.advertised_address;
    t.tls_ca_pem = o.tls_ca_pem;
    t.tls_cert_pem = o.tls_cert_pem;
    t.tls_key_pem = o.tls_key_pem;
    if (o.threads > 0) t.event_loop_threads = o.threads;
    OZ_ASSIGN_OR_RETURN(std::unique_ptr<TcpTransport> tcp, TcpTransport::Start(std::move(t)));
    started.port = tcp->port();
    started.transport = std::move(tcp);
    return started;
  }
  GrpcTransportOptions g;
  g.listen_address = o.listen_address;
  g.cluster_id = o.cluster_id;
  g.advertised_address = o.advertised_address;
  g.tls_ca_pem = o.tls_ca_pem;
  g.tls_cert_pem = o.tls_cert_pem;
  g.tls_key_pem = o.tls_key_pem;
  if (o.threads > 0) g.completion_queue_threads = o.threads;
  OZ_ASSIGN_OR_RETURN(std::unique_ptr<GrpcTransport> grpc, GrpcTransport::Start(std::move(g)));
  started.port = grpc->port();
  started.transport = std::move(grpc);
  return started;
}

}  // namespace ozone::raft
