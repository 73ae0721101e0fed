// OmConfigurationService: the inter-OM admin protocol (OzoneManagerAdminService, Ozone's
// OMAdminProtocol), a gRPC service on the OM's RPC port.
//
// GetOMConfiguration: what this OM knows of the OMs of its service, served by every OM, leader
// or not. `ozone om --bootstrap` asks every configured peer before it joins (OmBootstrapCheck),
// `ozone admin om decommission` before it removes one. Each call re-reads ozone-site.xml from
// where the process read it at start (config::ConfigReloader), so an operator who edited the
// file does not restart the running OMs; the in-memory peer list is not changed by this call.
//   nodesInMemory   the members of the ring as this OM sees them (addresses from its peer list,
//                   else the Raft address from the ring's configuration);
//   nodesInNewConf  the OMs of the service in the re-read file, DECOMMISSIONED for those in
//                   ozone.om.decommissioned.nodes.<svc>.
// A file that cannot be read is answered with success = false and the reason.
//
// Decommission: leader only (OmLeaderGate's NotLeader reply otherwise); OmDecommission removes the
// node from the ring; a refusal is success = false with the reason (Ozone's response).
//
// Thread-safety: gRPC calls from many threads; everything it reads is thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>

#include "common/config/config_reloader.h"
#include "ha/ha_node.h"
#include "om.grpc.pb.h"
#include "om/server/om_decommission.h"
#include "om/server/om_leader_gate.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

class OmConfigurationService final : public OzoneManagerAdminService::Service {
 public:
  // `ring` returns the ring's current configuration (HaNode::Status().configuration). All must
  // outlive the service.
  OmConfigurationService(const OmStorageConfig* storage, const config::ConfigReloader* reloader,
                         std::function<raft::Configuration()> ring, const OmLeaderGate* gate,
                         OmDecommission* decommission)
      : storage_(storage),
        reloader_(reloader),
        ring_(std::move(ring)),
        gate_(gate),
        decommission_(decommission) {}

  grpc::Status GetOMConfiguration(grpc::ServerContext* context,
                                  const OMConfigurationRequest* request,
                                  OMConfigurationResponse* response) override;
  grpc::Status Decommission(grpc::ServerContext* context, const DecommissionOMRequest* request,
                            DecommissionOMResponse* response) override;

  // The answer from its parts (deterministic; what the RPC returns).
  static OMConfigurationResponse Answer(const OmStorageConfig& storage,
                                        const raft::Configuration& ring,
                                        const Result<config::Configuration>& reloaded);

 private:
  const OmStorageConfig* storage_;
  const config::ConfigReloader* reloader_;
  const std::function<raft::Configuration()> ring_;
  const OmLeaderGate* gate_;
  OmDecommission* decommission_;
};

}  // namespace ozone::om
