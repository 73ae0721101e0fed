#include "client/scm_client.h"

#include <google/protobuf/descriptor.h>

#include "common/config/ozone_keys.h"
#include "common/topology/ha_nodes.h"

namespace ozone::client {

namespace {

namespace keys = config::keys;
using google::protobuf::MethodDescriptor;

constexpr char kBlockService[] = "ScmBlockLocationProtocol";
constexpr char kContainerService[] = "ScmContainerLocationProtocol";

const MethodDescriptor* Method(const char* service, const char* method) {
  const auto* file = scm::ScmRaftRequest::descriptor()->file();
  const auto* s = file->FindServiceByName(service);
  return s ? s->FindMethodByName(method) : nullptr;
}

// Calls `method` with failover and turns a domain failure in the response into a Status.
template <typename Response>
Result<Response> Call(rpc::FailoverClient& client, const MethodDescriptor* method,
                      const google::protobuf::Message& request) {
  Response response;
  OZ_RETURN_IF_ERROR(client.Call(method, request, &response));
  if (response.has_error()) return StatusOfScmError(response.error());
  return response;
}

// The same over the client's stream of `stream_method` (FailoverClient::CallStreamed).
template <typename Response>
Result<Response> CallStreamed(rpc::FailoverClient& client, const MethodDescriptor* stream_method,
                              const google::protobuf::Message& request) {
  Response response;
  OZ_RETURN_IF_ERROR(client.CallStreamed(stream_method, request, &response));
  if (response.has_error()) return StatusOfScmError(response.error());
  return response;
}

template <typename Response>
Result<Response> CallOne(rpc::FailoverClient& client, size_t index, const MethodDescriptor* method,
                         const google::protobuf::Message& request) {
  Response response;
  rpc::CallOutcome r = client.CallEndpoint(index, method, request, &response);
  OZ_RETURN_IF_ERROR(r.status);
  if (response.has_error()) return StatusOfScmError(response.error());
  return response;
}

}  // namespace

Result<rpc::FailoverOptions> ScmFailoverOptions(const config::Configuration& conf) {
  rpc::FailoverOptions o;
  OZ_ASSIGN_OR_RETURN(o.max_failovers, conf.GetInt(keys::kScmClientFailoverMaxRetry));
  OZ_ASSIGN_OR_RETURN(auto interval, conf.GetDuration(keys::kScmClientFailoverRetryInterval,
                                                      config::TimeUnit::kMilliseconds));
  o.retry_interval = std::chrono::duration_cast<std::chrono::milliseconds>(interval);
  OZ_ASSIGN_OR_RETURN(
      auto timeout, conf.GetDuration(keys::kScmClientRpcTimeout, config::TimeUnit::kMilliseconds));
  o.rpc_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  if (o.max_failovers < 0) o.max_failovers = 0;
  return o;
}

Status StatusOfScmError(const scm::ScmError& error) {
  const std::string code = scm::ScmResultCode_Name(error.code());
  std::string m = error.message();
  if (m.compare(0, code.size(), code) != 0) m = m.empty() ? code : code + " " + m;
  switch (error.code()) {
    case scm::FAILED_TO_FIND_CONTAINER:
    case scm::FAILED_TO_FIND_PIPELINE:
    case scm::FAILED_TO_FIND_NODE:
      return Status::NotFound(m);
    case scm::CONTAINER_EXISTS:
    case scm::DUPLICATED_PIPELINE_ID:
      return Status::AlreadyExists(m);
    case scm::INVALID_ARGUMENT:
    case scm::INVALID_CAPACITY:
    case scm::INVALID_BLOCK_SIZE:
    case scm::CLUSTER_ID_MISMATCH:
      return Status::InvalidArgument(m);
    case scm::SCM_NOT_LEADER:
      return Status::NotLeader(m);
    case scm::TIMEOUT:
      return Status::Timeout(m);
    case scm::NOT_SUPPORTED_OPERATION:
      return Status::NotSupported(m);
    case scm::INTERNAL_ERROR:
    case scm::IO_EXCEPTION:
      return Status::Internal(m);
    default:
      return Status::FailedPrecondition(m);
  }
}

Result<std::unique_ptr<ScmClient>> ScmClient::Create(const config::Configuration& conf,
                                                     ScmClientOptions options) {
  std::unique_ptr<ScmClient> c(new ScmClient());
  std::vector<topology::ScmNodeDetails> details;
  std::optional<std::string> svc = options.service_id;
  if (!svc) {
    OZ_ASSIGN_OR_RETURN(svc, topology::LocalScmServiceId(conf));
  }
  if (svc) {
    auto ids = topology::ScmServiceIds(conf);
    if (std::find(ids.begin(), ids.end(), *svc) == ids.end() && !ids.empty()) {
      return Status::InvalidArgument("service id " + *svc + " is not one of " +
                                     std::string(keys::kScmServiceIds.name) + " (" +
                                     conf.GetString(keys::kScmServiceIds) + ")");
    }
    OZ_ASSIGN_OR_RETURN(details, topology::ScmNodes(conf, *svc));
    c->service_id_ = *svc;
  } else {
    OZ_ASSIGN_OR_RETURN(details, topology::AllScmNodes(conf));
  }
  for (const auto& d : details) {
    c->nodes_.push_back(Node{d.node_id, d.host, d.ratis_port, d.client_address.ToString(),
                             d.block_client_address.ToString()});
  }

  rpc::FailoverOptions fo;
  if (options.failover) {
    fo = *options.failover;
  } else {
    OZ_ASSIGN_OR_RETURN(fo, ScmFailoverOptions(conf));
  }
  if (options.on_retry) fo.on_retry = options.on_retry;

  std::vector<rpc::RpcEndpoint> block, container;
  for (const Node& n : c->nodes_) {
    block.push_back({n.node_id, n.block_address});
    container.push_back({n.node_id, n.client_address});
  }
  if (options.scm_address) {
    OZ_ASSIGN_OR_RETURN(int port, conf.GetInt(keys::kScmClientPort));
    OZ_ASSIGN_OR_RETURN(auto hp, net::ParseHostPort(*options.scm_address, port));
    std::string node_id = hp.ToString();
    for (const Node& n : c->nodes_) {
      if (n.client_address == hp.ToString()) node_id = n.node_id;
    }
    container = {{node_id, hp.ToString()}};
  }
  if (block.empty() || container.empty()) return Status::InvalidArgument("no SCM configured");
  c->block_ = std::make_unique<rpc::FailoverClient>(std::move(block), fo);
  c->container_ = std::make_unique<rpc::FailoverClient>(std::move(container), fo);
  return c;
}

ScmClient::~ScmClient() = default;

// --- block location protocol -------------------------------------------------------------------

Result<std::vector<scm::AllocatedBlock>> ScmClient::AllocateBlocks(
    uint64_t size, uint32_t count, hdds::ReplicationType type, hdds::ReplicationFactor factor,
    const std::string& owner, const scm::ExcludeList& exclude) {
  // Over the block protocol's call stream: concurrent allocations (a busy OM's) share it.
  static const MethodDescriptor* const kMethod = Method(kBlockService, "AllocateScmBlockStream");
  scm::AllocateScmBlockRequest req;
  req.set_size(size);
  req.set_numblocks(count);
  req.set_type(type);
  req.set_factor(factor);
  req.set_owner(owner);
  if (exclude.ByteSizeLong() > 0) *req.mutable_excludelist() = exclude;
  OZ_ASSIGN_OR_RETURN(auto resp, CallStreamed<scm::AllocateScmBlockResponse>(*block_, kMethod, req));
  return std::vector<scm::AllocatedBlock>(resp.blocks().begin(), resp.blocks().end());
}

Result<std::vector<std::string>> ScmClient::DeleteKeyBlocks(
    const std::vector<scm::KeyBlocks>& keys) {
  scm::DeleteScmKeyBlocksRequest req;
  for (const auto& k : keys) *req.add_keyblocks() = k;
  OZ_ASSIGN_OR_RETURN(auto resp, Call<scm::DeleteScmKeyBlocksResponse>(
                                     *block_, Method(kBlockService, "DeleteScmKeyBlocks"), req));
  return std::vector<std::string>(resp.keys().begin(), resp.keys().end());
}

Result<scm::GetScmInfoResponse> ScmClient::GetScmInfo() {
  return Call<scm::GetScmInfoResponse>(*block_, Method(kBlockService, "GetScmInfo"),
                                       scm::GetScmInfoRequest());
}

// --- container location protocol ---------------------------------------------------------------

Result<scm::ListContainersResponse> ScmClient::ListContainers(
    const scm::ListContainersRequest& request) {
  return Call<scm::ListContainersResponse>(*container_, Method(kContainerService, "ListContainers"),
                                           request);
}

Result<scm::ContainerWithPipeline> ScmClient::GetContainer(int64_t container_id) {
  scm::GetContainerRequest req;
  req.set_containerid(container_id);
  OZ_ASSIGN_OR_RETURN(auto resp, Call<scm::GetContainerResponse>(
                                     *container_, Method(kContainerService, "GetContainer"), req));
  return resp.container();
}

Result<scm::ContainerWithPipeline> ScmClient::CreateContainer(hdds::ReplicationType type,
                                                              hdds::ReplicationFactor factor,
                                                              const std::string& owner) {
  scm::CreateContainerRequest req;
  req.set_type(type);
  req.set_factor(factor);
  req.set_owner(owner);
  OZ_ASSIGN_OR_RETURN(auto resp,
                      Call<scm::CreateContainerResponse>(
                          *container_, Method(kContainerService, "CreateContainer"), req));
  return resp.container();
}

Status ScmClient::CloseContainer(int64_t container_id) {
  scm::CloseContainerRequest req;
  req.set_containerid(container_id);
  return Call<scm::CloseContainerResponse>(*container_, Method(kContainerService, "CloseContainer"),
                                           req)
      .status();
}

Result<std::vector<hdds::Pipeline>> ScmClient::ListPipelines(
    const scm::ListPipelinesRequest& request) {
  OZ_ASSIGN_OR_RETURN(auto resp,
                      Call<scm::ListPipelinesResponse>(
                          *container_, Method(kContainerService, "ListPipelines"), request));
  return std::vector<hdds::Pipeline>(resp.pipelines().begin(), resp.pipelines().end());
}

Result<std::vector<scm::NodeInfo>> ScmClient::ListDatanodes() {
  OZ_ASSIGN_OR_RETURN(auto resp, Call<scm::ListDatanodesResponse>(
                                     *container_, Method(kContainerService, "ListDatanodes"),
                                     scm::ListDatanodesRequest()));
  return std::vector<scm::NodeInfo>(resp.nodes().begin(), resp.nodes().end());
}

Result<scm::GetScmInfoResponse> ScmClient::GetScmRoles() {
  return Call<scm::GetScmInfoResponse>(*container_, Method(kContainerService, "GetScmInfo"),
                                       scm::GetScmInfoRequest());
}

Result<std::string> ScmClient::TransferLeadership(const std::optional<std::string>& new_leader_id) {
  scm::TransferLeadershipRequest req;
  if (new_leader_id) req.set_newleaderid(*new_leader_id);
  OZ_ASSIGN_OR_RETURN(auto resp,
                      Call<scm::TransferLeadershipResponse>(
                          *container_, Method(kContainerService, "TransferLeadership"), req));
  return resp.newleaderid();
}

Status ScmClient::RemoveScm(const std::string& scm_id) {
  scm::RemoveScmRequest req;
  req.set_scmid(scm_id);
  return Call<scm::RemoveScmResponse>(*container_, Method(kContainerService, "RemoveScm"), req)
      .status();
}

Result<scm::StartContainerBalancerResponse> ScmClient::StartContainerBalancer(
    const scm::StartContainerBalancerRequest& request) {
  return Call<scm::StartContainerBalancerResponse>(
      *container_, Method(kContainerService, "StartContainerBalancer"), request);
}

Status ScmClient::StopContainerBalancer() {
  return Call<scm::StopContainerBalancerResponse>(
             *container_, Method(kContainerService, "StopContainerBalancer"),
             scm::StopContainerBalancerRequest())
      .status();
}

Result<scm::ContainerBalancerStatusResponse> ScmClient::GetContainerBalancerStatus() {
  return Call<scm::ContainerBalancerStatusResponse>(
      *container_, Method(kContainerService, "GetContainerBalancerStatus"),
      scm::ContainerBalancerStatusRequest());
}

Result<scm::DeletedBlocksTxnSummaryResponse> ScmClient::GetDeletedBlocksTxnSummary() {
  return Call<scm::DeletedBlocksTxnSummaryResponse>(
      *container_, Method(kContainerService, "GetDeletedBlocksTxnSummary"),
      scm::DeletedBlocksTxnSummaryRequest());
}

Result<bool> ScmClient::ReplicationManager(scm::ReplicationManagerRequest::Action action) {
  scm::ReplicationManagerRequest req;
  req.set_action(action);
  OZ_ASSIGN_OR_RETURN(auto resp,
                      Call<scm::ReplicationManagerResponse>(
                          *container_, Method(kContainerService, "ReplicationManager"), req));
  return resp.isrunning();
}

Result<scm::SafeModeStatusResponse> ScmClient::GetSafeModeStatus() {
  return Call<scm::SafeModeStatusResponse>(
      *container_, Method(kContainerService, "GetSafeModeStatus"), scm::SafeModeStatusRequest());
}

Status ScmClient::ForceExitSafeMode() {
  return Call<scm::ForceExitSafeModeResponse>(*container_,
                                              Method(kContainerService, "ForceExitSafeMode"),
                                              scm::ForceExitSafeModeRequest())
      .status();
}

size_t ScmClient::container_endpoint_count() const { return container_->endpoints().size(); }

const rpc::RpcEndpoint& ScmClient::container_endpoint(size_t index) const {
  return container_->endpoints().at(index);
}

Result<scm::SafeModeStatusResponse> ScmClient::GetSafeModeStatusOf(size_t index) {
  return CallOne<scm::SafeModeStatusResponse>(*container_, index,
                                              Method(kContainerService, "GetSafeModeStatus"),
                                              scm::SafeModeStatusRequest());
}

Status ScmClient::ForceExitSafeModeOf(size_t index) {
  return CallOne<scm::ForceExitSafeModeResponse>(*container_, index,
                                                 Method(kContainerService, "ForceExitSafeMode"),
                                                 scm::ForceExitSafeModeRequest())
      .status();
}

}  // namespace ozone::client
