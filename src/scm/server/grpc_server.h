// GrpcServer: one gRPC server of an SCM node on one address (its datanode, block location,
// client or checkpoint port), serving the services given.
//
// Thread-safety: Stop may be called from any thread; the services must outlive the server.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace ozone::scm {

class GrpcServer {
 public:
  // Binds `address` ("host:port"; port 0 picks one) and starts serving. Unavailable naming the
  // address and `name` ("datanode protocol") if it cannot be bound.
  static Result<std::unique_ptr<GrpcServer>> Start(const std::string& address,
                                                   const std::vector<grpc::Service*>& services,
                                                   const std::string& name);
  ~GrpcServer();

  int port() const { return port_; }
  const std::string& name() const { return name_; }
  // Stops accepting calls, cancels those in flight after a short grace. Idempotent.
  void Stop();

 private:
  GrpcServer() = default;
  std::string name_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  bool stopped_ = false;
};

}  // namespace ozone::scm
