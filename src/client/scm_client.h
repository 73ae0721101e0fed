// ScmClient: the client of an SCM ring (Ozone's ScmClient / SCM*FailoverProxyProvider) for OM,
// the admin CLI, tests and benchmarks: the block location protocol (allocate and delete blocks,
// ring membership) and the container location protocol (containers, pipelines, datanodes, safe
// mode, leadership, balancer, replication manager), each sent to the leader of the configured
// SCMs with failover (rpc::FailoverClient), plus per-SCM calls for what each SCM answers
// itself (safe mode status).
//
// Which SCMs: those of `service_id` (else the service of ozone.scm.service.ids /
// ozone.scm.default.service.id), or the ozone.scm.names hosts of a non-HA configuration; with
// `scm_address` (the CLI's --scm) only that one for the container location protocol.
// Failover follows Ozone's keys: hdds.scmclient.failover.max.retry (15),
// hdds.scmclient.failover.retry.interval (2s), hdds.scmclient.rpc.timeout (15m).
//
// Errors: a domain failure in a response (ScmError) becomes a Status whose message starts with
// Ozone's result code ("FAILED_TO_FIND_CONTAINER ..."), with a code close to its meaning
// (NotFound, AlreadyExists, FailedPrecondition for safe mode, ...); RPC failures as
// rpc::FailoverClient returns them.
//
// Thread-safety: all methods may be called from any thread, concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config/configuration.h"
#include "common/result.h"
#include "hdds.pb.h"
#include "rpc/failover_client.h"
#include "scm.pb.h"

namespace ozone::client {

struct ScmClientOptions {
  // The SCM service to talk to. Default: the configured one.
  std::optional<std::string> service_id;
  // Only this SCM ("host[:port]" of its client protocol, port 9860 by default) for the
  // container location protocol (Ozone's --scm). Default: every SCM of the service.
  std::optional<std::string> scm_address;
  // Overrides of what the configuration says (tests, benchmarks). Default: from configuration.
  std::optional<rpc::FailoverOptions> failover;
  // Told each retry wait ("Retrying in 2000ms after 3 failover attempt(s)."). Default: none.
  std::function<void(const std::string&)> on_retry;
};

// The failover options of hdds.scmclient.* in `conf`.
Result<rpc::FailoverOptions> ScmFailoverOptions(const config::Configuration& conf);

// The Status a response's ScmError stands for ("<CODE> <message>").
Status StatusOfScmError(const scm::ScmError& error);

class ScmClient {
 public:
  struct Node {
    std::string node_id;         // scm1
    std::string host;            // ozone.scm.address.<svc>.<node>
    int ratis_port = 0;          // ozone.scm.ratis.port
    std::string client_address;  // container location protocol, host:9860
    std::string block_address;   // block location protocol, host:9863
  };

  static Result<std::unique_ptr<ScmClient>> Create(const config::Configuration& conf,
                                                   ScmClientOptions options = {});
  ~ScmClient();

  // The service id ("" for a non-HA configuration) and its SCMs, in configured order.
  const std::string& service_id() const { return service_id_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  bool is_ha() const { return !service_id_.empty(); }

  // --- block location protocol (leader) ---
  Result<std::vector<scm::AllocatedBlock>> AllocateBlocks(uint64_t size, uint32_t count,
                                                          hdds::ReplicationType type,
                                                          hdds::ReplicationFactor factor,
                                                          const std::string& owner,
                                                          const scm::ExcludeList& exclude = {});
  // Returns the keys whose blocks were recorded for deletion.
  Result<std::vector<std::string>> DeleteKeyBlocks(const std::vector<scm::KeyBlocks>& keys);
  Result<scm::GetScmInfoResponse> GetScmInfo();

  // --- container location protocol (leader) ---
  Result<scm::ListContainersResponse> ListContainers(const scm::ListContainersRequest& request);
  Result<scm::ContainerWithPipeline> GetContainer(int64_t container_id);
  Result<scm::ContainerWithPipeline> CreateContainer(hdds::ReplicationType type,
                                                     hdds::ReplicationFactor factor,
                                                     const std::string& owner);
  Status CloseContainer(int64_t container_id);
  Result<std::vector<hdds::Pipeline>> ListPipelines(const scm::ListPipelinesRequest& request = {});
  Result<std::vector<scm::NodeInfo>> ListDatanodes();
  // Roles of the ring as the leader sees them (`ozone admin scm roles`).
  Result<scm::GetScmInfoResponse> GetScmRoles();
  // Returns the new leader's id.
  Result<std::string> TransferLeadership(const std::optional<std::string>& new_leader_id);
  Status RemoveScm(const std::string& scm_id);
  Result<scm::StartContainerBalancerResponse> StartContainerBalancer(
      const scm::StartContainerBalancerRequest& request);
  Status StopContainerBalancer();
  Result<scm::ContainerBalancerStatusResponse> GetContainerBalancerStatus();
  Result<scm::DeletedBlocksTxnSummaryResponse> GetDeletedBlocksTxnSummary();
  // STATUS, START or STOP; returns whether it runs.
  Result<bool> ReplicationManager(scm::ReplicationManagerRequest::Action action);
  // The leader's safe mode status.
  Result<scm::SafeModeStatusResponse> GetSafeModeStatus();
  Status ForceExitSafeMode();

  // --- one SCM (index into the container location endpoints), no failover ---
  size_t container_endpoint_count() const;
  const rpc::RpcEndpoint& container_endpoint(size_t index) const;
  Result<scm::SafeModeStatusResponse> GetSafeModeStatusOf(size_t index);
  Status ForceExitSafeModeOf(size_t index);

 private:
  ScmClient() = default;

  std::string service_id_;
  std::vector<Node> nodes_;
  std::unique_ptr<rpc::FailoverClient> block_;
  std::unique_ptr<rpc::FailoverClient> container_;
};

}  // namespace ozone::client
