// TransportCredentials: the gRPC credentials of a GrpcTransport, built from the PEM strings of
// GrpcTransportOptions: TLS (server certificate, client certificate, peer verification) when
// they are given, plaintext when they are not.
//
// Thread-safety: pure function; the credentials it returns are immutable and shared.
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "common/result.h"
#include "ha/raft/transport/grpc_transport.h"

namespace ozone::raft {

struct TransportCredentials {
  std::shared_ptr<grpc::ServerCredentials> server;
  std::shared_ptr<grpc::ChannelCredentials> channel;
  bool tls = false;
};

// InvalidArgument when only one of cert/key is given, when a CA is given without them, or when a
// given PEM is empty or does not look like PEM.
Result<TransportCredentials> MakeTransportCredentials(const GrpcTransportOptions& options);

}  // namespace ozone::raft
