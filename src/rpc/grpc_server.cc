#include "rpc/grpc_server.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ozone::rpc {

Result<std::unique_ptr<GrpcServer>> GrpcServer::Start(const std::string& address,
                                                      const std::vector<grpc::Service*>& services,
                                                      const std::string& name,
                                                      GrpcServerOptions options) {
  std::unique_ptr<GrpcServer> s(new GrpcServer());
  s->name_ = name;
  s->async_ = options.async;
  grpc::ServerBuilder b;
  b.AddListeningPort(address, grpc::InsecureServerCredentials(), &s->port_);
  b.SetMaxReceiveMessageSize(64 << 20);
  b.SetMaxSendMessageSize(64 << 20);
  // A port in TIME_WAIT from a previous run may be reused at once; two live servers on one
  // port are refused by the kernel anyway (SO_REUSEPORT is off).
  b.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  b.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0);
  for (grpc::Service* svc : services) b.RegisterService(svc);
  if (options.async != nullptr) {
    // The synchronous methods of such a server are the rare ones: one polling thread for them,
    // so that the completion-queue threads receive the calls they serve themselves.
    b.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
    b.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
    b.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 1);
    for (int i = 0; i < options.async_threads; ++i) {
      s->queues_.push_back(b.AddCompletionQueue());
    }
  }
  s->server_ = b.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    for (auto& q : s->queues_) {
      q->Shutdown();
      void* tag;
      bool ok;
      while (q->Next(&tag, &ok)) {
      }
    }
    return Status::Unavailable("cannot serve the " + name + " on " + address +
                               " (address in use or not local?)");
  }
  for (auto& q : s->queues_) {
    s->threads_.emplace_back([async = options.async, cq = q.get()] { async->Serve(cq); });
  }
  spdlog::info("{} listening on {}", name, address);
  return s;
}

void AsyncMethods::Serve(grpc::ServerCompletionQueue* cq) {
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
  }
}

GrpcServer::~GrpcServer() { Stop(); }

void GrpcServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (server_) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
  }
  // After the server: no call is asked for on a queue that shut down, and no call is answered
  // on one.
  if (async_ != nullptr) async_->WaitUntilAnswered();
  for (auto& q : queues_) q->Shutdown();
  for (auto& t : threads_) t.join();
}

}  // namespace ozone::rpc
