#include "scm/server/container_location_service.h"

#include <cstdio>

#include "scm/ha/scm_requests.h"
#include "scm/node/datanode_details.h"

namespace ozone::scm {

namespace {

constexpr uint64_t kGb = uint64_t{1} << 30;

}  // namespace

template <typename Response>
grpc::Status ContainerLocationService::Fail(grpc::ServerContext* ctx, const Status& s,
                                            Response* resp) const {
  if (auto r = d_.gate->RejectIfNotLeader(ctx, ScmProtocol::kClient, s)) return *r;
  ToScmError(s, resp->mutable_error());
  return grpc::Status::OK;
}

#define OZ_LEADER_ONLY(ctx)                                                             \
  do {                                                                                  \
    if (!d_.gate->IsLeaderReady()) return d_.gate->Reject((ctx), ScmProtocol::kClient); \
  } while (0)

ContainerWithPipeline ContainerLocationService::Describe(
    const hdds::ContainerInfoProto& info) const {
  ContainerWithPipeline c;
  *c.mutable_containerinfo() = info;
  if (info.has_pipelineid()) {
    if (auto p = d_.pipelines->Get(info.pipelineid())) *c.mutable_pipeline() = *p;
  }
  for (const ContainerReplica& r : d_.containers->Replicas(info.containerid())) {
    ContainerReplicaInfo* ri = c.add_replicas();
    if (auto node = d_.nodes->Get(r.datanode_uuid)) {
      *ri->mutable_datanode() = node->details;
    } else {
      ri->mutable_datanode()->set_uuid(r.datanode_uuid);
      ri->mutable_datanode()->set_ipaddress("");
      ri->mutable_datanode()->set_hostname("");
    }
    ri->set_state(r.state);
    ri->set_keycount(r.key_count);
    ri->set_used(r.used);
    ri->set_sequenceid(r.sequence_id);
  }
  return c;
}

grpc::Status ContainerLocationService::ListContainers(grpc::ServerContext* ctx,
                                                      const ListContainersRequest* req,
                                                      ListContainersResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  std::optional<hdds::LifeCycleState> state;
  std::optional<hdds::ReplicationType> type;
  std::optional<hdds::ReplicationFactor> factor;
  if (req->has_state()) state = req->state();
  if (req->has_type()) type = req->type();
  if (req->has_factor()) factor = req->factor();
  size_t count = std::min<size_t>(req->count(), 10'000);
  for (auto& c : d_.containers->state().List(req->startcontainerid(), count, state, type, factor)) {
    *resp->add_containers() = std::move(c);
  }
  resp->set_totalcount(d_.containers->state().Count());
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::GetContainer(grpc::ServerContext* ctx,
                                                    const GetContainerRequest* req,
                                                    GetContainerResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  std::optional<hdds::ContainerInfoProto> info = d_.containers->Get(req->containerid());
  if (!info) {
    return Fail(ctx,
                ScmStatus(FAILED_TO_FIND_CONTAINER,
                          "Container " + std::to_string(req->containerid()) + " does not exist"),
                resp);
  }
  *resp->mutable_container() = Describe(*info);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::CreateContainer(grpc::ServerContext* ctx,
                                                       const CreateContainerRequest* req,
                                                       CreateContainerResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  hdds::ReplicationFactor factor = req->has_factor() ? req->factor() : hdds::ONE;
  std::vector<hdds::Pipeline> open = d_.pipelines->OpenPipelines(req->type(), factor);
  hdds::Pipeline pipeline;
  if (!open.empty()) {
    pipeline = open.front();
  } else {
    Result<hdds::Pipeline> created = d_.pipelines->CreatePipeline(req->type(), factor);
    if (!created.ok()) return Fail(ctx, created.status(), resp);
    pipeline = *created;
  }
  Result<hdds::ContainerInfoProto> c = d_.containers->AllocateContainer(pipeline, req->owner());
  if (!c.ok()) return Fail(ctx, c.status(), resp);
  *resp->mutable_container() = Describe(*c);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::CloseContainer(grpc::ServerContext* ctx,
                                                      const CloseContainerRequest* req,
                                                      CloseContainerResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  Status s = d_.containers->CloseContainer(req->containerid());
  if (!s.ok()) return Fail(ctx, s, resp);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::ListPipelines(grpc::ServerContext* ctx,
                                                     const ListPipelinesRequest* req,
                                                     ListPipelinesResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  std::optional<hdds::ReplicationType> type;
  std::optional<hdds::ReplicationFactor> factor;
  std::optional<hdds::PipelineState> state;
  if (req->has_type()) type = req->type();
  if (req->has_factor()) factor = req->factor();
  if (req->has_state()) state = req->state();
  for (const hdds::Pipeline& p : d_.pipeline_state->List(type, factor, state)) {
    std::optional<hdds::Pipeline> with_leader = d_.pipelines->Get(p.id());
    *resp->add_pipelines() = with_leader ? *with_leader : p;
  }
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::ListDatanodes(grpc::ServerContext* ctx,
                                                     const ListDatanodesRequest* /*req*/,
                                                     ListDatanodesResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  for (const NodeStatus& n : d_.nodes->List()) {
    NodeInfo* info = resp->add_nodes();
    *info->mutable_datanode() = n.details;
    info->set_nodestate(std::string(NodeHealthName(n.health)));
    info->set_operationalstate("IN_SERVICE");
    uint64_t capacity = 0, used = 0, remaining = 0;
    for (const auto& s : n.node_report.storagereport()) {
      capacity += s.capacity();
      used += s.scmused();
      remaining += s.remaining();
    }
    info->set_capacity(capacity);
    info->set_used(used);
    info->set_remaining(remaining);
    info->set_lastheartbeatmillis(n.last_heartbeat_wall_millis);
    for (const hdds::Pipeline& p : d_.pipeline_state->PipelinesOf(DatanodeUuid(n.details))) {
      *info->add_pipelines() = p.id();
    }
  }
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::GetSafeModeStatus(grpc::ServerContext* /*ctx*/,
                                                         const SafeModeStatusRequest* /*req*/,
                                                         SafeModeStatusResponse* resp) {
  // Follower readable: every SCM answers for itself.
  resp->set_insafemode(d_.safe_mode->InSafeMode());
  resp->set_precheckcomplete(d_.safe_mode->PreCheckComplete());
  for (auto& r : d_.safe_mode->RuleStatuses()) *resp->add_rules() = std::move(r);
  resp->set_scmid(d_.scm_uuid);
  resp->set_nodeid(d_.node_id);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::ForceExitSafeMode(grpc::ServerContext* /*ctx*/,
                                                         const ForceExitSafeModeRequest* /*req*/,
                                                         ForceExitSafeModeResponse* resp) {
  d_.safe_mode->ForceExit();
  resp->set_exitedsafemode(true);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::GetScmInfo(grpc::ServerContext* ctx,
                                                  const GetScmInfoRequest* /*req*/,
                                                  GetScmInfoResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  *resp = d_.scm_info();
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::TransferLeadership(grpc::ServerContext* ctx,
                                                          const TransferLeadershipRequest* req,
                                                          TransferLeadershipResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  std::optional<std::string> target;
  if (req->has_newleaderid()) target = req->newleaderid();
  Result<std::string> r = d_.membership->TransferLeadership(target);
  if (!r.ok()) return Fail(ctx, r.status(), resp);
  resp->set_newleaderid(*r);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::RemoveScm(grpc::ServerContext* ctx,
                                                 const RemoveScmRequest* req,
                                                 RemoveScmResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  Status s = d_.membership->RemoveScm(req->scmid());
  if (!s.ok()) return Fail(ctx, s, resp);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::StartContainerBalancer(
    grpc::ServerContext* ctx, const StartContainerBalancerRequest* req,
    StartContainerBalancerResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  ContainerBalancerConfigurationProto cfg;
  cfg.set_shouldrun(true);
  if (req->has_threshold()) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", req->threshold());
    cfg.set_utilizationthreshold(buf);
  }
  if (req->has_iterations()) cfg.set_iterations(req->iterations());
  if (req->has_maxdatanodespercentagetoinvolveperiteration()) {
    cfg.set_datanodesinvolvedmaxpercentageperiteration(
        req->maxdatanodespercentagetoinvolveperiteration());
  }
  if (req->has_maxsizetomoveperiterationingb()) {
    cfg.set_sizemovedmaxperiteration(req->maxsizetomoveperiterationingb() * kGb);
  }
  if (req->has_maxsizeenteringtargetingb()) {
    cfg.set_sizeenteringtargetmax(req->maxsizeenteringtargetingb() * kGb);
  }
  if (req->has_maxsizeleavingsourceingb()) {
    cfg.set_sizeleavingsourcemax(req->maxsizeleavingsourceingb() * kGb);
  }
  if (req->has_balancinginterval()) {
    cfg.set_balancingiterationinterval(req->balancinginterval() * 60'000);
  }
  Status s = d_.balancer->StartBalancer(cfg);
  if (s.IsNotLeader()) return d_.gate->Reject(ctx, ScmProtocol::kClient);
  resp->set_start(s.ok());
  if (!s.ok()) resp->set_message(s.message());
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::StopContainerBalancer(grpc::ServerContext* ctx,
                                                             const StopContainerBalancerRequest*,
                                                             StopContainerBalancerResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  Status s = d_.balancer->StopBalancer();
  if (!s.ok()) return Fail(ctx, s, resp);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::GetContainerBalancerStatus(
    grpc::ServerContext* ctx, const ContainerBalancerStatusRequest*,
    ContainerBalancerStatusResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  resp->set_isrunning(d_.balancer->IsRunning());
  Result<std::optional<ContainerBalancerConfigurationProto>> cfg = d_.balancer->ReadConfiguration();
  if (!cfg.ok()) return Fail(ctx, cfg.status(), resp);
  if (*cfg) *resp->mutable_configuration() = **cfg;
  resp->set_iterationscompleted(d_.balancer->iterations_completed());
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::GetDeletedBlocksTxnSummary(
    grpc::ServerContext* ctx, const DeletedBlocksTxnSummaryRequest*,
    DeletedBlocksTxnSummaryResponse* resp) {
  OZ_LEADER_ONLY(ctx);
  DeletedBlocksSummary s = d_.deleted_blocks->Summary();
  resp->set_totaltransactioncount(s.transactions);
  resp->set_totalblockcount(s.blocks);
  return grpc::Status::OK;
}

grpc::Status ContainerLocationService::ReplicationManager(grpc::ServerContext* ctx,
                                                          const ReplicationManagerRequest* req,
                                                          ReplicationManagerResponse* resp) {
  // The switch of the replication manager that runs: the leader's (Ozone lets any SCM answer,
  // which switches whichever SCM the client reached first).
  OZ_LEADER_ONLY(ctx);
  switch (req->action()) {
    case ReplicationManagerRequest::START:
      d_.replication->SetEnabled(true);
      break;
    case ReplicationManagerRequest::STOP:
      d_.replication->SetEnabled(false);
      break;
    case ReplicationManagerRequest::STATUS:
      break;
  }
  resp->set_isrunning(d_.replication->enabled());
  return grpc::Status::OK;
}

#undef OZ_LEADER_ONLY

}  // namespace ozone::scm
