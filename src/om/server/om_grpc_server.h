// OmGrpcServer: the OM node's gRPC server on its client RPC address (ozone.om.address.<svc>.<node>,
// port 9862), serving the client protocol (OzoneManagerService) and the checkpoint transfer the
// followers download from (ha::CheckpointTransferService).
//
// Thread-safety: Stop may be called from any thread; the services must outlive the server.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace ozone::om {

class OmGrpcServer {
 public:
  // Binds `address` ("host:port") and starts serving. Unavailable naming the address if it cannot
  // be bound.
  static Result<std::unique_ptr<OmGrpcServer>> Start(const std::string& address,
                                                     const std::vector<grpc::Service*>& services);
  ~OmGrpcServer();

  int port() const { return port_; }
  // Stops accepting calls, cancels those in flight after a short grace. Idempotent.
  void Stop();

 private:
  OmGrpcServer() = default;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  bool stopped_ = false;
};

}  // namespace ozone::om
