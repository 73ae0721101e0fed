// GrpcServer: one gRPC server on one address, serving the services given. Methods of the
// services run on gRPC's synchronous thread pool, except those an AsyncMethods serves: those run
// on the server's own completion-queue threads (one queue per thread), without a hand-off between
// threads; such a method may also be answered later from another thread (gRPC allows Finish from
// any thread).
//
// Every server leaves channelz off (it counts every call under a lock, and nothing reads it).
//
// Thread-safety: Stop may be called from any thread; the services must outlive the server.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"

namespace ozone::rpc {

// The asynchronous methods of a service registered with the server.
class AsyncMethods {
 public:
  virtual ~AsyncMethods() = default;
  // Runs on one completion-queue thread until `cq` shuts down: asks for calls on `cq`, serves
  // them as they come, frees what it allocated once cq->Next() returns false.
  virtual void Serve(grpc::ServerCompletionQueue* cq) = 0;
  // Called by Stop after the server shut down, while the completion-queue threads still run:
  // returns once every call received has been answered (Finish called), so that no answer comes
  // after the queues shut down. Default: nothing (every call is answered within Serve).
  virtual void WaitUntilAnswered() {}
};

struct GrpcServerOptions {
  // Serves the asynchronous methods of the services (none: every method is synchronous).
  AsyncMethods* async = nullptr;
  // Completion queues (one thread each) for `async`. Default: 2.
  int async_threads = 2;
};

class GrpcServer {
 public:
  // Binds `address` ("host:port"; port 0 picks one) and starts serving. Unavailable naming the
  // address and `name` ("OM client protocol") if it cannot be bound.
  static Result<std::unique_ptr<GrpcServer>> Start(const std::string& address,
                                                   const std::vector<grpc::Service*>& services,
                                                   const std::string& name,
                                                   GrpcServerOptions options = {});
  ~GrpcServer();

  int port() const { return port_; }
  const std::string& name() const { return name_; }
  // Stops accepting calls, cancels those in flight after a short grace, then stops the
  // completion-queue threads. Idempotent.
  void Stop();

 private:
  GrpcServer() = default;
  std::string name_;
  AsyncMethods* async_ = nullptr;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace ozone::rpc
