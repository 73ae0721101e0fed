#include "om/server/om_grpc_server.h"

namespace ozone::om {

Result<std::unique_ptr<OmGrpcServer>> OmGrpcServer::Start(
    const std::string& address, const std::vector<grpc::Service*>& services,
    rpc::AsyncMethods* async, rpc::FramedCallServer* framed) {
  rpc::GrpcServerOptions options;
  options.async = async;
  options.framed = framed;
  options.async_threads = 0;
  OZ_ASSIGN_OR_RETURN(
      std::unique_ptr<rpc::GrpcServer> server,
      rpc::GrpcServer::Start(address, services, "om: client protocol and checkpoint transfer",
                             options));
  return std::unique_ptr<OmGrpcServer>(new OmGrpcServer(std::move(server)));
}

}  // namespace ozone::om
