#include "ha/server/checkpoint_transfer_server.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <mutex>

#include "ha/server/checkpoint_transfer_service.h"

namespace ozone::ha {

struct CheckpointTransferServer::Impl {
  std::unique_ptr<CheckpointTransferService> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::mutex mu;
  bool stopped = false;  // guarded by mu
};

Result<std::unique_ptr<CheckpointTransferServer>> CheckpointTransferServer::Start(
    const std::string& listen_address, CheckpointTransferOptions options) {
  std::unique_ptr<CheckpointTransferServer> s(new CheckpointTransferServer());
  s->impl_ = std::make_unique<Impl>();
  s->impl_->service = std::make_unique<CheckpointTransferService>(std::move(options));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen_address, grpc::InsecureServerCredentials(), &s->impl_->port);
  builder.RegisterService(s->impl_->service.get());
  s->impl_->server = builder.BuildAndStart();
  if (!s->impl_->server || s->impl_->port == 0) {
    return Status::Unavailable("cannot serve checkpoints on " + listen_address);
  }
  return s;
}

CheckpointTransferServer::~CheckpointTransferServer() { Stop(); }

int CheckpointTransferServer::port() const { return impl_->port; }

void CheckpointTransferServer::Stop() {
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  // Downloads in progress are cancelled at once.
  impl_->server->Shutdown(std::chrono::system_clock::now());
  impl_->server->Wait();
}

}  // namespace ozone::ha
