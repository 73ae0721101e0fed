// OmConfigurationService: what this OM knows of the OMs of its service (Ozone's
// OMAdminProtocol.getOMConfiguration, a gRPC service on the OM's RPC port, served by every OM,
// leader or not). `ozone om --bootstrap` asks every configured peer before it joins
// (OmBootstrapCheck). Each call re-reads ozone-site.xml from where the process read it at start
// (config::ConfigReloader), so an operator who added the new OM to the file does not restart the
// running OMs; the in-memory peer list is not changed by this call.
//   nodesInMemory   the members of the ring as this OM sees them (addresses from its peer list,
//                   else the Raft address from the ring's configuration);
//   nodesInNewConf  the OMs of the service in the re-read file, DECOMMISSIONED for those in
//                   ozone.om.decommissioned.nodes.<svc>.
// A file that cannot be read is answered with success = false and the reason.
//
// Thread-safety: gRPC calls from many threads; everything it reads is thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>

#include "common/config/config_reloader.h"
#include "ha/ha_node.h"
#include "om.grpc.pb.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

class OmConfigurationService final : public OzoneManagerAdminService::Service {
 public:
  // `ring` returns the ring's current configuration (HaNode::Status().configuration). All must
  // outlive the service.
  OmConfigurationService(const OmStorageConfig* storage, const config::ConfigReloader* reloader,
                         std::function<raft::Configuration()> ring)
      : storage_(storage), reloader_(reloader), ring_(std::move(ring)) {}

  grpc::Status GetOMConfiguration(grpc::ServerContext* context,
                                  const OMConfigurationRequest* request,
                                  OMConfigurationResponse* response) override;

  // The answer from its parts (deterministic; what the RPC returns).
  static OMConfigurationResponse Answer(const OmStorageConfig& storage,
                                        const raft::Configuration& ring,
                                        const Result<config::Configuration>& reloaded);

 private:
  const OmStorageConfig* storage_;
  const config::ConfigReloader* reloader_;
  const std::function<raft::Configuration()> ring_;
};

}  // namespace ozone::om
