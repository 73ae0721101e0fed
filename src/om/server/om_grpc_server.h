// OmGrpcServer: the OM node's gRPC server on its client RPC address (ozone.om.address.<svc>.<node>,
// port 9862), serving the client protocol (OzoneManagerService with gRPC's callback API:
// OmProtocolService) and the checkpoint transfer the followers download from
// (ha::CheckpointTransferService), over rpc::GrpcServer; the client protocol's framed calls
// (rpc/framed_server.h) share the port.
//
// Thread-safety: Stop may be called from any thread; the services must outlive the server.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "rpc/grpc_server.h"

namespace ozone::om {

class OmGrpcServer {
 public:
  // Binds `address` ("host:port") and starts serving; `async` (may be null) serves the callback
  // methods of `services` and is waited for at Stop (no completion-queue thread: see
  // rpc/grpc_server.h); `framed` (may be null) serves framed calls on the same port.
  // Unavailable naming the address if it cannot be bound.
  static Result<std::unique_ptr<OmGrpcServer>> Start(const std::string& address,
                                                     const std::vector<grpc::Service*>& services,
                                                     rpc::AsyncMethods* async = nullptr,
                                                     rpc::FramedCallServer* framed = nullptr);

  int port() const { return server_->port(); }
  // Stops accepting calls, cancels those in flight after a short grace. Idempotent.
  void Stop() { server_->Stop(); }

 private:
  explicit OmGrpcServer(std::unique_ptr<rpc::GrpcServer> server) : server_(std::move(server)) {}
  std::unique_ptr<rpc::GrpcServer> server_;
};

}  // namespace ozone::om
