#include "scm/server/storage_container_manager.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "common/stop_latch.h"
#include "common/version_file.h"
#include "ha/db_state_machine.h"
#include "ha/ha_context.h"
#include "ha/ha_node.h"
#include "ha/ha_service.h"
#include "ha/learner_promoter.h"
#include "ha/sequence_id_generator.h"
#include "ha/server/checkpoint_transfer_service.h"
#include "ha/stateful_service.h"
#include "rpc/grpc_server.h"
#include "scm/balancer/container_balancer.h"
#include "scm/block/block_manager.h"
#include "scm/block/deleted_block_log.h"
#include "scm/block/deleted_block_log_state.h"
#include "scm/container/container_manager.h"
#include "scm/container/container_state_manager.h"
#include "scm/ha/scm_apply_handler.h"
#include "scm/ha/scm_requests.h"
#include "scm/ha/scm_service_config_store.h"
#include "scm/metadata/scm_db_definition.h"
#include "scm/node/node_manager.h"
#include "scm/pipeline/pipeline_manager.h"
#include "scm/pipeline/pipeline_state_manager.h"
#include "scm/replication/replication_manager.h"
#include "scm/safemode/safe_mode_manager.h"
#include "scm/server/block_location_service.h"
#include "scm/server/container_location_service.h"
#include "scm/server/datanode_protocol_service.h"
#include "scm/server/datanode_server_gate.h"
#include "scm/server/leader_gate.h"
#include "scm/server/leadership_watcher.h"
#include "scm/server/scm_membership.h"
#include "scm/server/scm_ring_client.h"
#include "scm/server/scm_roles.h"
#include "scm/server/scm_server_config.h"
#include "scm/server/scm_storage_config.h"
#include "scm/server/task_runner.h"

namespace ozone::scm {

namespace {

// The Replicator the managers submit through: the node's HaNode once it runs (NotLeader before).
class NodeReplicator : public ha::Replicator {
 public:
  void Set(ha::HaNode* node) { node_.store(node); }
  Result<std::string> Submit(std::string request) override {
    ha::HaNode* node = node_.load();
    if (node == nullptr) return Status::NotLeader("the SCM's ring is not running");
    return node->Submit(std::move(request));
  }

 private:
  std::atomic<ha::HaNode*> node_{nullptr};
};

ha::SequenceIdGeneratorOptions IdOptions(uint64_t batch) {
  ha::SequenceIdGeneratorOptions o;
  o.batch_size = batch;
  // The next batch is replicated while the second half of the current one is handed out:
  // allocateBlock does not wait for the log at batch boundaries.
  o.reserve_ahead_left = batch / 2;
  return o;
}

}  // namespace

struct StorageContainerManager::Parts {
  ScmStorageConfig storage;
  ScmServerConfig config;
  std::string cluster_id;
  std::string scm_uuid;
  std::string group_id;
  std::string log_dir;

  // The replicated state, applied from the log into scm.db.
  ContainerStateManager container_state;
  PipelineStateManager pipeline_state;
  DeletedBlockLogState deleted_block_state;
  ha::SequenceIdState sequence_ids{std::string(kSequenceId.name)};
  ha::ServiceConfigState service_configs{std::string(kStatefulServiceConfig.name)};
  std::unique_ptr<ScmApplyHandler> handler;
  std::unique_ptr<ha::DbStateMachine> state_machine;

  // This node's place in the ring, and the leader logic.
  ha::HaContext context;
  ha::ServiceManager services;
  NodeReplicator replicator;
  std::unique_ptr<ScmRequests> requests;
  std::unique_ptr<NodeManager> nodes;
  std::unique_ptr<ha::SequenceIdGenerator> ids;
  std::unique_ptr<PipelineManager> pipelines;
  std::unique_ptr<ContainerManager> containers;
  std::unique_ptr<BlockManager> blocks;
  std::unique_ptr<DeletedBlockLog> deleted_blocks;
  std::unique_ptr<ReplicationManager> replication;
  std::unique_ptr<ScmServiceConfigStore> config_store;
  std::shared_ptr<ContainerBalancer> balancer;
  std::unique_ptr<SafeModeManager> safe_mode;
  std::shared_ptr<ha::BackgroundService> pipeline_creator;
  std::shared_ptr<ha::BackgroundService> block_deleting;
  std::shared_ptr<ha::BackgroundService> buffer_flusher;
  std::shared_ptr<ha::BackgroundService> learner_promoter;
  std::shared_ptr<LeadershipWatcher> watcher;
  TaskRunner tasks;

  // Started by Start().
  std::unique_ptr<ha::HaNode> ha;
  std::unique_ptr<LeaderGate> gate;
  std::unique_ptr<ScmMembership> membership;
  std::unique_ptr<BlockLocationService> block_service;
  std::unique_ptr<ContainerLocationService> container_service;
  std::unique_ptr<DatanodeProtocolService> datanode_service;
  std::unique_ptr<ha::CheckpointTransferService> checkpoint_service;
  std::unique_ptr<rpc::GrpcServer> block_server;
  std::unique_ptr<rpc::GrpcServer> client_server;
  std::unique_ptr<rpc::GrpcServer> grpc_server;
  std::unique_ptr<rpc::GrpcServer> datanode_server;  // opened by the gate
  std::unique_ptr<DatanodeServerGate> datanode_gate;

  StopLatch stop;

  GetScmInfoResponse ScmInfo() const { return ScmInfoOf(*ha, storage, cluster_id, scm_uuid); }
  Status StartServers();
  // A bootstrapped node asks the leader to add it (AddScm), which returns once it votes.
  Status JoinRing();
  void StopAll();
};

StorageContainerManager::StorageContainerManager() : parts_(std::make_unique<Parts>()) {}

StorageContainerManager::~StorageContainerManager() { Stop(); }

StorageContainerManager::Parts& StorageContainerManager::parts() { return *parts_; }

Result<std::unique_ptr<StorageContainerManager>> StorageContainerManager::Create(
    const config::Configuration& conf) {
  std::unique_ptr<StorageContainerManager> scm(new StorageContainerManager());
  Parts& p = *scm->parts_;
  OZ_ASSIGN_OR_RETURN(p.storage, ScmStorageConfig::FromConfiguration(conf));
  Result<VersionFile> version = p.storage.LoadVersion();
  if (version.status().IsNotFound()) {
    return Status::FailedPrecondition(
        "SCM " + p.storage.self.node_id + " is not initialized (no " + p.storage.version_path +
        "): run `ozone scm --init` on the primordial SCM or `ozone scm --bootstrap` here first");
  }
  OZ_RETURN_IF_ERROR(version.status());
  p.cluster_id = version->cluster_id();
  p.scm_uuid = version->Get(VersionFile::kScmUuid).value_or("");
  if (p.scm_uuid.empty()) {
    return Status::Corruption(p.storage.version_path + " has no " + VersionFile::kScmUuid);
  }
  OZ_ASSIGN_OR_RETURN(p.group_id, GroupIdOf(p.cluster_id));
  OZ_ASSIGN_OR_RETURN(p.log_dir, p.storage.RaftLogDir(p.cluster_id));
  OZ_ASSIGN_OR_RETURN(p.config, ScmServerConfig::FromConfiguration(conf));
  const ScmServerConfig& c = p.config;

  // scm.db through the state machine; checkpoints come from the leader's gRPC port.
  p.handler = std::make_unique<ScmApplyHandler>(&p.container_state, &p.pipeline_state,
                                                &p.deleted_block_state, &p.sequence_ids,
                                                &p.service_configs);
  ha::GrpcCheckpointFetcherOptions fo;
  fo.cluster_id = p.cluster_id;
  fo.deadline = c.checkpoint_deadline;
  const ScmStorageConfig* storage = &p.storage;
  fo.address_of = [storage](const raft::PeerInfo& peer) -> Result<std::string> {
    std::optional<topology::ScmNodeDetails> n = storage->NodeByRatisAddress(peer.address);
    if (!n) {
      return Status::NotFound("SCM " + peer.id + " (" + peer.address +
                              ") is not in this node's configuration");
    }
    return n->GrpcAddress().ToString();
  };
  ha::DbStateMachineOptions so;
  so.db_path = p.storage.db_path;
  so.definition = &ScmDbDefinition();
  so.transaction_info_table = std::string(kTransactionInfoTable.name);
  so.snapshot_dir = p.storage.snapshot_dir;
  so.sync = c.rocksdb_write_sync;
  OZ_ASSIGN_OR_RETURN(p.state_machine, ha::DbStateMachine::Open(std::move(so), p.handler.get(),
                                                                ha::MakeGrpcCheckpointFetcher(fo)));

  // The managers (Ozone's split: Manager decides on the leader, StateManager applies).
  p.requests = std::make_unique<ScmRequests>(&p.replicator);
  p.nodes = std::make_unique<NodeManager>(c.nodes);
  Parts* raw = &p;
  p.ids = std::make_unique<ha::SequenceIdGenerator>(
      IdOptions(c.sequence_id_batch), &p.sequence_ids,
      [raw](const std::string& name, uint64_t expected, uint64_t next) {
        return raw->requests->AllocateSequenceBatch(name, expected, next);
      });
  p.pipelines = std::make_unique<PipelineManager>(c.pipelines, &p.pipeline_state, p.nodes.get(),
                                                  p.requests.get(), &p.context);
  p.containers =
      std::make_unique<ContainerManager>(c.containers, &p.container_state, &p.pipeline_state,
                                         p.nodes.get(), p.ids.get(), p.requests.get(), &p.context);
  p.pipelines->SetContainerManager(p.containers.get());
  p.blocks = std::make_unique<BlockManager>(c.blocks, p.containers.get(), p.pipelines.get(),
                                            p.ids.get(), &p.context);
  p.deleted_blocks = std::make_unique<DeletedBlockLog>(c.deleted_blocks, &p.deleted_block_state,
                                                       p.containers.get(), p.nodes.get(),
                                                       p.ids.get(), p.requests.get(), &p.context);
  p.replication = std::make_unique<ReplicationManager>(c.replication, p.containers.get(),
                                                       p.nodes.get(), &p.context);
  p.config_store = std::make_unique<ScmServiceConfigStore>(
      p.requests.get(), [raw] { return raw->state_machine->db(); });
  p.balancer = std::make_shared<ContainerBalancer>(p.config_store.get(), &p.context,
                                                   p.containers.get(), p.nodes.get());
  p.safe_mode = std::make_unique<SafeModeManager>(
      c.safe_mode, &p.context, &p.services, p.nodes.get(), &p.container_state, p.containers.get(),
      p.pipelines.get(), [raw] {
        return raw->context.IsLeader() || (raw->datanode_gate && raw->datanode_gate->is_open());
      });

  // Leader-only services.
  p.pipeline_creator =
      MakeBackgroundPipelineCreator(p.pipelines.get(), &p.context, c.pipeline_creation_interval);
  p.block_deleting =
      MakeBlockDeletingService(p.deleted_blocks.get(), &p.context, c.block_deleting_interval);
  p.buffer_flusher = std::make_shared<ha::BackgroundService>(
      ha::BackgroundServiceOptions{.name = "SCMHATransactionMonitor",
                                   .interval = c.buffer_flush_interval,
                                   .run_in_safe_mode = true},
      &p.context, [raw] {
        Status s = raw->state_machine->FlushIfNeeded(raw->config.buffer_flush_interval);
        if (!s.ok()) spdlog::error("scm: flushing the transaction buffer failed: {}", s.ToString());
      });
  p.services.Register(p.pipeline_creator);
  p.services.Register(p.block_deleting);
  p.services.Register(p.replication->service());
  p.services.Register(p.balancer);
  p.services.Register(p.buffer_flusher);
  // Learners left by a cut-short bootstrap become voters once caught up.
  p.learner_promoter = ha::MakeLearnerPromoter([raw] { return raw->ha.get(); }, &p.context);
  p.services.Register(p.learner_promoter);
  p.watcher = std::make_shared<LeadershipWatcher>(
      p.storage.self.node_id, &p.context,
      std::vector<std::shared_ptr<ha::HaService>>{p.pipeline_creator, p.block_deleting,
                                                  p.replication->service(), p.balancer,
                                                  p.buffer_flusher},
      [raw] { raw->nodes->ClearCommands(); });
  p.services.Register(p.watcher);

  // Follow-up work off the gRPC and Raft threads.
  p.nodes->OnNewNode([raw](const std::string&) {
    raw->tasks.Post([raw] {
      raw->pipeline_creator->RunOnce();
      raw->safe_mode->Refresh();
    });
  });
  p.tasks.RunEvery(std::chrono::seconds(1), [raw] { raw->safe_mode->Refresh(); });
  return scm;
}

Status StorageContainerManager::Parts::JoinRing() {
  std::vector<topology::ScmNodeDetails> others = storage.Others();
  ScmRingClient ring(others);
  AddScmRequest req;
  req.set_clusterid(cluster_id);
  req.set_scmid(scm_uuid);
  req.set_ratisaddress(storage.self.RatisAddress().ToString());
  spdlog::info("scm {}: asking the leader to add this SCM ({}) to the ring", storage.self.node_id,
               scm_uuid);
  Status s = ring.AddScm(req, config.info_wait);
  if (!s.ok()) return s.WithContext("Adding SCM to existing HA group failed");
  spdlog::info("scm {}: joined the ring of cluster {}", storage.self.node_id, cluster_id);
  return Status::OK();
}

Status StorageContainerManager::Parts::StartServers() {
  const topology::ScmNodeDetails& self = storage.self;
  gate = std::make_unique<LeaderGate>(&storage, &context, [this] { return ha->Leader(); });
  membership = std::make_unique<ScmMembership>(
      ha.get(), cluster_id, std::max(config.request_timeout, std::chrono::milliseconds(120'000)));
  auto info = [this] { return ScmInfo(); };

  BlockLocationDeps bd;
  bd.gate = gate.get();
  bd.blocks = blocks.get();
  bd.deleted_blocks = deleted_blocks.get();
  bd.membership = membership.get();
  bd.scm_info = info;
  block_service = std::make_unique<BlockLocationService>(std::move(bd));

  ContainerLocationDeps cd;
  cd.gate = gate.get();
  cd.nodes = nodes.get();
  cd.containers = containers.get();
  cd.pipelines = pipelines.get();
  cd.pipeline_state = &pipeline_state;
  cd.safe_mode = safe_mode.get();
  cd.balancer = balancer.get();
  cd.replication = replication.get();
  cd.deleted_blocks = deleted_blocks.get();
  cd.membership = membership.get();
  cd.scm_info = info;
  cd.scm_uuid = scm_uuid;
  cd.node_id = self.node_id;
  container_service = std::make_unique<ContainerLocationService>(std::move(cd));

  DatanodeProtocolDeps dd;
  dd.context = &context;
  dd.nodes = nodes.get();
  dd.containers = containers.get();
  dd.pipelines = pipelines.get();
  dd.deleted_blocks = deleted_blocks.get();
  dd.cluster_id = cluster_id;
  dd.on_reports = [this] { safe_mode->Refresh(); };
  datanode_service = std::make_unique<DatanodeProtocolService>(std::move(dd));

  ha::CheckpointTransferOptions co;
  co.cluster_id = cluster_id;
  co.create_checkpoint = [this](const std::string& dir) {
    return state_machine->CreateCheckpoint(dir);
  };
  co.scratch_dir = state_machine->snapshot_dir();
  checkpoint_service = std::make_unique<ha::CheckpointTransferService>(std::move(co));

  OZ_ASSIGN_OR_RETURN(
      grpc_server, rpc::GrpcServer::Start(self.GrpcAddress().ToString(), {checkpoint_service.get()},
                                          "SCM checkpoint transfer (gRPC)"));
  OZ_ASSIGN_OR_RETURN(
      block_server,
      rpc::GrpcServer::Start(self.block_client_address.ToString(), {block_service.get()},
                             "SCM block location protocol", {.async = block_service.get()}));
  OZ_ASSIGN_OR_RETURN(client_server, rpc::GrpcServer::Start(self.client_address.ToString(),
                                                            {container_service.get()},
                                                            "SCM container location protocol"));

  DatanodeServerGateOptions go;
  go.is_leader_ready = [this] { return context.IsLeaderReady(); };
  go.other_leader_known = [this] {
    std::optional<raft::PeerInfo> l = ha->Leader();
    return l.has_value() && l->id != scm_uuid;
  };
  go.leader_commit = [this]() -> Result<uint64_t> {
    std::vector<topology::ScmNodeDetails> others = storage.Others();
    if (others.empty()) return Status::NotFound("no other SCM");
    ScmRingClient ring(others, std::chrono::milliseconds(100));
    OZ_ASSIGN_OR_RETURN(GetScmInfoResponse r, ring.GetScmInfo(std::chrono::seconds(1)));
    for (const ScmRole& role : r.peerroles()) {
      if (role.role() == "LEADER") return role.commit();
    }
    return Status::NotFound("the leader did not report itself");
  };
  go.applied = [this] { return state_machine->applied().index.value(); };
  go.open = [this]() -> Status {
    OZ_ASSIGN_OR_RETURN(datanode_server,
                        rpc::GrpcServer::Start(storage.self.datanode_address.ToString(),
                                               {datanode_service.get()}, "SCM datanode protocol"));
    return Status::OK();
  };
  go.on_open = [this] {
    spdlog::info("scm {}: datanode protocol server open (applied {})", storage.self.node_id,
                 state_machine->applied().ToString());
    tasks.Post([this] { safe_mode->Refresh(); });
  };
  datanode_gate = std::make_unique<DatanodeServerGate>(std::move(go));
  return Status::OK();
}

Status StorageContainerManager::Start() {
  Parts& p = *parts_;
  const ScmServerConfig& c = p.config;
  OZ_ASSIGN_OR_RETURN(bool has_ring, ha::HaNode::HasRing(p.log_dir));
  std::vector<raft::PeerInfo> known;
  if (!has_ring) {
    // Bootstrapped: the ring is the running SCMs'; learn its members so that this node can
    // answer the leader before the log tells it who they are.
    std::vector<topology::ScmNodeDetails> others = p.storage.Others();
    if (others.empty()) {
      return Status::FailedPrecondition("SCM " + p.storage.self.node_id + " has no ring in " +
                                        p.log_dir + " and no other SCM is configured to join");
    }
    ScmRingClient ring(others);
    OZ_ASSIGN_OR_RETURN(GetScmInfoResponse info, ring.GetScmInfo(c.info_wait));
    if (info.clusterid() != p.cluster_id) {
      return Status::InvalidArgument("cluster id mismatch: this SCM belongs to " + p.cluster_id +
                                     ", the running SCMs to " + info.clusterid());
    }
    for (const ScmRole& r : info.peerroles()) known.push_back({r.id(), r.address()});
  }

  ha::HaNodeOptions o;
  o.group_id = p.group_id;
  o.self_id = p.scm_uuid;
  o.ratis_listen_address = p.storage.self.RatisAddress().ToString();
  o.cluster_id = p.cluster_id;
  o.log_dir = p.log_dir;
  o.log = c.log;
  o.known_peers = known;
  o.server = c.raft;
  o.runtime = c.runtime;
  o.request_timeout = c.request_timeout;
  o.transport = c.transport;
  OZ_ASSIGN_OR_RETURN(
      p.ha, ha::HaNode::Start(std::move(o), p.state_machine.get(), &p.context, &p.services));
  p.replicator.Set(p.ha.get());
  Parts* raw = &p;
  p.ha->OnBecameLeader([raw] {
    raw->ids->InvalidateBatch();
    raw->deleted_blocks->OnBecameLeader();
    raw->replication->OnBecameLeader();
  });

  Status s = p.StartServers();
  if (s.ok()) {
    p.services.StartAll();
    p.tasks.Start();
    if (!has_ring) s = p.JoinRing();
  }
  if (!s.ok()) {
    p.StopAll();
    return s;
  }
  p.datanode_gate->Start();
  spdlog::info("scm {}: started (scmUuid {}, cluster {}): ratis {}, block {}, client {}, grpc {}",
               p.storage.self.node_id, p.scm_uuid, p.cluster_id,
               p.storage.self.RatisAddress().ToString(),
               p.storage.self.block_client_address.ToString(),
               p.storage.self.client_address.ToString(), p.storage.self.GrpcAddress().ToString());
  return Status::OK();
}

void StorageContainerManager::Parts::StopAll() {
  if (datanode_gate) datanode_gate->Stop();
  tasks.Stop();
  // No new requests, then no leader logic, then the ring.
  for (auto* server : {&datanode_server, &client_server, &block_server}) {
    if (*server) (*server)->Stop();
  }
  services.StopAll();
  if (ha) ha->Stop();
  if (grpc_server) grpc_server->Stop();
}

void StorageContainerManager::Wait() { parts_->stop.Wait(); }

void StorageContainerManager::Stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  if (!p.stop.TryBegin()) return;
  spdlog::info("scm {}: stopping", p.storage.self.node_id);
  p.StopAll();
  if (p.state_machine) {
    Status s = p.state_machine->Flush();
    if (!s.ok()) spdlog::warn("scm: final flush failed: {}", s.ToString());
  }
  spdlog::info("scm {}: stopped", p.storage.self.node_id);
  p.stop.Finish();
}

}  // namespace ozone::scm
