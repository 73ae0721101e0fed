// GrpcServer: one gRPC server on one address, serving the services given. Methods of the
// services run on gRPC's synchronous thread pool, except those an AsyncMethods serves: those run
// on the server's own completion-queue threads (one queue per thread), without a hand-off between
// threads, or with gRPC's callback API (no queue of ours: async_threads 0); such a method may also
// be answered later from another thread (gRPC allows Finish from any thread).
//
// A thread waiting on a completion queue polls the server's connections for every method, so
// completion-queue threads that serve nothing but rare calls take the reads of the callback
// methods' calls and hand them to gRPC's callback threads (a thread wake-up per call): a service
// whose frequent methods use the callback API asks for no queue.
//
// A server given a FramedCallServer (framed_server.h) listens itself and shares its port between
// the two protocols: it accepts each connection and lets the framed server look at its first
// bytes, which hands gRPC's clients (an HTTP/2 preface) to gRPC. Such a server also serves
// clients that know nothing of the framing.
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
#include "rpc/framed_server.h"

namespace ozone::rpc {

// The asynchronous methods of a service registered with the server.
class AsyncMethods {
 public:
  virtual ~AsyncMethods() = default;
  // Runs on one completion-queue thread until `cq` shuts down: asks for calls on `cq`, serves
  // them as they come, frees what it allocated once cq->Next() returns false. Default (methods
  // served with the callback API only): drains `cq`, on which nothing is asked.
  virtual void Serve(grpc::ServerCompletionQueue* cq);
  // Called by Stop after the server shut down, while the completion-queue threads still run:
  // returns once every call received has been answered (Finish called), so that no answer comes
  // after the queues shut down. Default: nothing (every call is answered within Serve).
  virtual void WaitUntilAnswered() {}
};

struct GrpcServerOptions {
  // Serves the asynchronous methods of the services (none: every method is synchronous).
  AsyncMethods* async = nullptr;
  // Completion queues (one thread each) for `async`; 0 when its methods use the callback API.
  // Default: 2.
  int async_threads = 2;
  // Also serves these framed calls on the same port (see above). Default: none. Must outlive the
  // server.
  FramedCallServer* framed = nullptr;
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
  // Accepts connections on listen_fds_ until Stop, handing each to framed_.
  void Accept();

  std::string name_;
  FramedCallServer* framed_ = nullptr;
  std::vector<int> listen_fds_;
  int wake_fd_ = -1;  // wakes Accept to stop
  std::thread acceptor_;
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> external_;
  AsyncMethods* async_ = nullptr;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace ozone::rpc
