#include "ha/raft/transport/transport_credentials.h"

#include <string>
#include <string_view>

namespace ozone::raft {
namespace {

Status CheckPem(const std::optional<std::string>& pem, std::string_view what) {
  if (pem && pem->find("-----BEGIN ") == std::string::npos) {
    return Status::InvalidArgument(std::string("raft transport: ") + std::string(what) +
                                   " is not PEM (no -----BEGIN line)");
  }
  return Status::OK();
}

}  // namespace

Result<TransportCredentials> MakeTransportCredentials(const GrpcTransportOptions& options) {
  OZ_RETURN_IF_ERROR(CheckPem(options.tls_ca_pem, "tls_ca_pem"));
  OZ_RETURN_IF_ERROR(CheckPem(options.tls_cert_pem, "tls_cert_pem"));
  OZ_RETURN_IF_ERROR(CheckPem(options.tls_key_pem, "tls_key_pem"));
  if (options.tls_cert_pem.has_value() != options.tls_key_pem.has_value()) {
    return Status::InvalidArgument(
        "raft transport: tls_cert_pem and tls_key_pem must be given together");
  }
  TransportCredentials creds;
  if (!options.tls_cert_pem) {
    if (options.tls_ca_pem) {
      return Status::InvalidArgument(
          "raft transport: tls_ca_pem needs tls_cert_pem and tls_key_pem (TLS is mutual)");
    }
    creds.server = grpc::InsecureServerCredentials();
    creds.channel = grpc::InsecureChannelCredentials();
    return creds;
  }

  const bool verify_clients = options.tls_ca_pem.has_value();
  grpc::SslServerCredentialsOptions server_options(
      verify_clients ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                     : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (verify_clients) server_options.pem_root_certs = *options.tls_ca_pem;
  server_options.pem_key_cert_pairs.push_back({*options.tls_key_pem, *options.tls_cert_pem});
  creds.server = grpc::SslServerCredentials(server_options);

  grpc::SslCredentialsOptions channel_options;
  if (options.tls_ca_pem) channel_options.pem_root_certs = *options.tls_ca_pem;
  channel_options.pem_private_key = *options.tls_key_pem;
  channel_options.pem_cert_chain = *options.tls_cert_pem;
  creds.channel = grpc::SslCredentials(channel_options);
  creds.tls = true;
  if (creds.server == nullptr || creds.channel == nullptr) {
    return Status::InvalidArgument("raft transport: gRPC rejected the TLS material");
  }
  return creds;
}

}  // namespace ozone::raft
