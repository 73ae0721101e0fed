#include "om/server/om_grpc_server.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ozone::om {

Result<std::unique_ptr<OmGrpcServer>> OmGrpcServer::Start(
    const std::string& address, const std::vector<grpc::Service*>& services) {
  std::unique_ptr<OmGrpcServer> s(new OmGrpcServer());
  grpc::ServerBuilder b;
  b.AddListeningPort(address, grpc::InsecureServerCredentials(), &s->port_);
  b.SetMaxReceiveMessageSize(64 << 20);
  b.SetMaxSendMessageSize(64 << 20);
  b.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (grpc::Service* svc : services) b.RegisterService(svc);
  s->server_ = b.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return Status::Unavailable("cannot serve the OM client protocol on " + address +
                               " (address in use or not local?)");
  }
  spdlog::info("om: client protocol and checkpoint transfer listening on {}", address);
  return s;
}

OmGrpcServer::~OmGrpcServer() { Stop(); }

void OmGrpcServer::Stop() {
  if (stopped_ || !server_) return;
  stopped_ = true;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
}

}  // namespace ozone::om
