// OmProtocolService: the gRPC translator of the OM client protocol (OzoneManagerService.Submit,
// Ozone's OzoneManagerProtocolServerSideTranslatorPB): every request, read or write, is served
// only by the ready leader (OmLeaderGate's NotLeader reply otherwise, with the leader's address);
// ServiceList and TransferLeadership go to OmRingAdmin, everything else to
// OmExecutionFlow::Submit. Responses carry leaderOMNodeId (this node). A flow error that says
// leadership was lost meanwhile becomes the NotLeader reply (the client retries with the same
// callId, which the retry cache answers if the write was applied); other errors are mapped by
// src/rpc.
//
// Thread-safety: gRPC calls Submit from many threads concurrently.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "om.grpc.pb.h"
#include "om/om_execution_flow.h"
#include "om/server/om_leader_gate.h"
#include "om/server/om_ring_admin.h"

namespace ozone::om {

class OmProtocolService final : public OzoneManagerService::Service {
 public:
  // All must outlive the service.
  OmProtocolService(std::string node_id, const OmLeaderGate* gate, OmExecutionFlow* flow,
                    OmRingAdmin* admin)
      : node_id_(std::move(node_id)), gate_(gate), flow_(flow), admin_(admin) {}

  grpc::Status Submit(grpc::ServerContext* context, const OMRequest* request,
                      OMResponse* response) override;

 private:
  const std::string node_id_;
  const OmLeaderGate* gate_;
  OmExecutionFlow* flow_;
  OmRingAdmin* admin_;
};

}  // namespace ozone::om
