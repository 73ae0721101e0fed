#include "scm/server/grpc_server.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ozone::scm {

Result<std::unique_ptr<GrpcServer>> GrpcServer::Start(const std::string& address,
                                                      const std::vector<grpc::Service*>& services,
                                                      const std::string& name) {
  std::unique_ptr<GrpcServer> s(new GrpcServer());
  s->name_ = name;
  grpc::ServerBuilder b;
  b.AddListeningPort(address, grpc::InsecureServerCredentials(), &s->port_);
  b.SetMaxReceiveMessageSize(64 << 20);
  b.SetMaxSendMessageSize(64 << 20);
  // A port in TIME_WAIT from a previous run may be reused at once; two live servers on one
  // port are refused by the kernel anyway (SO_REUSEPORT is off).
  b.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (grpc::Service* svc : services) b.RegisterService(svc);
  s->server_ = b.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return Status::Unavailable("cannot serve the " + name + " on " + address +
                               " (address in use or not local?)");
  }
  spdlog::info("scm: {} listening on {}", name, address);
  return s;
}

GrpcServer::~GrpcServer() { Stop(); }

void GrpcServer::Stop() {
  if (stopped_ || !server_) return;
  stopped_ = true;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
}

}  // namespace ozone::scm
