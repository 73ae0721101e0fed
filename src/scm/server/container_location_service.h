// ContainerLocationService: the gRPC translator of ScmContainerLocationProtocol (Ozone's
// StorageContainerLocationProtocolServerSideTranslatorPB + SCMClientProtocolServer), used by the
// admin CLI and clients. Leader only (a follower answers NotLeader with the leader's client
// address), except what each SCM answers for itself: the safe mode status (each SCM evaluates its
// own) and ForceExitSafeMode. (Ozone also lets any SCM switch the replication manager; here that
// goes to the leader, whose replication manager is the one that runs.)
//
// Thread-safety: gRPC calls the methods concurrently; the dependencies are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "scm.grpc.pb.h"
#include "scm/balancer/container_balancer.h"
#include "scm/block/deleted_block_log.h"
#include "scm/container/container_manager.h"
#include "scm/node/node_manager.h"
#include "scm/pipeline/pipeline_manager.h"
#include "scm/pipeline/pipeline_state_manager.h"
#include "scm/replication/replication_manager.h"
#include "scm/safemode/safe_mode_manager.h"
#include "scm/server/leader_gate.h"
#include "scm/server/scm_membership.h"

namespace ozone::scm {

struct ContainerLocationDeps {
  const LeaderGate* gate = nullptr;
  NodeManager* nodes = nullptr;
  ContainerManager* containers = nullptr;
  PipelineManager* pipelines = nullptr;
  const PipelineStateManager* pipeline_state = nullptr;
  SafeModeManager* safe_mode = nullptr;
  ContainerBalancer* balancer = nullptr;
  ReplicationManager* replication = nullptr;
  DeletedBlockLog* deleted_blocks = nullptr;
  ScmMembership* membership = nullptr;
  std::function<GetScmInfoResponse()> scm_info;
  std::string scm_uuid;
  std::string node_id;
};

class ContainerLocationService final : public ScmContainerLocationProtocol::Service {
 public:
  explicit ContainerLocationService(ContainerLocationDeps deps) : d_(std::move(deps)) {}

  grpc::Status ListContainers(grpc::ServerContext* ctx, const ListContainersRequest* req,
                              ListContainersResponse* resp) override;
  grpc::Status GetContainer(grpc::ServerContext* ctx, const GetContainerRequest* req,
                            GetContainerResponse* resp) override;
  grpc::Status CreateContainer(grpc::ServerContext* ctx, const CreateContainerRequest* req,
                               CreateContainerResponse* resp) override;
  grpc::Status CloseContainer(grpc::ServerContext* ctx, const CloseContainerRequest* req,
                              CloseContainerResponse* resp) override;
  grpc::Status ListPipelines(grpc::ServerContext* ctx, const ListPipelinesRequest* req,
                             ListPipelinesResponse* resp) override;
  grpc::Status ListDatanodes(grpc::ServerContext* ctx, const ListDatanodesRequest* req,
                             ListDatanodesResponse* resp) override;
  grpc::Status GetSafeModeStatus(grpc::ServerContext* ctx, const SafeModeStatusRequest* req,
                                 SafeModeStatusResponse* resp) override;
  grpc::Status ForceExitSafeMode(grpc::ServerContext* ctx, const ForceExitSafeModeRequest* req,
                                 ForceExitSafeModeResponse* resp) override;
  grpc::Status GetScmInfo(grpc::ServerContext* ctx, const GetScmInfoRequest* req,
                          GetScmInfoResponse* resp) override;
  grpc::Status TransferLeadership(grpc::ServerContext* ctx, const TransferLeadershipRequest* req,
                                  TransferLeadershipResponse* resp) override;
  grpc::Status RemoveScm(grpc::ServerContext* ctx, const RemoveScmRequest* req,
                         RemoveScmResponse* resp) override;
  grpc::Status StartContainerBalancer(grpc::ServerContext* ctx,
                                      const StartContainerBalancerRequest* req,
                                      StartContainerBalancerResponse* resp) override;
  grpc::Status StopContainerBalancer(grpc::ServerContext* ctx,
                                     const StopContainerBalancerRequest* req,
                                     StopContainerBalancerResponse* resp) override;
  grpc::Status GetContainerBalancerStatus(grpc::ServerContext* ctx,
                                          const ContainerBalancerStatusRequest* req,
                                          ContainerBalancerStatusResponse* resp) override;
  grpc::Status GetDeletedBlocksTxnSummary(grpc::ServerContext* ctx,
                                          const DeletedBlocksTxnSummaryRequest* req,
                                          DeletedBlocksTxnSummaryResponse* resp) override;
  grpc::Status ReplicationManager(grpc::ServerContext* ctx, const ReplicationManagerRequest* req,
                                  ReplicationManagerResponse* resp) override;

 private:
  // The container with its pipeline and replicas (datanode details from NodeManager).
  ContainerWithPipeline Describe(const hdds::ContainerInfoProto& info) const;
  // Fills `error` from `s`, or answers NotLeader if `s` says leadership was lost.
  template <typename Response>
  grpc::Status Fail(grpc::ServerContext* ctx, const Status& s, Response* resp) const;

  ContainerLocationDeps d_;
};

}  // namespace ozone::scm
