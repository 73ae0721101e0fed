#include "om/server/ozone_manager.h"

#include <google/protobuf/descriptor.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "client/scm_client.h"
#include "common/config/config_reloader.h"
#include "common/stop_latch.h"
#include "common/thread_name.h"
#include "common/version_file.h"
#include "ha/checkpoint_fetcher.h"
#include "ha/db_state_machine.h"
#include "ha/ha_context.h"
#include "ha/ha_node.h"
#include "ha/ha_service.h"
#include "ha/learner_promoter.h"
#include "ha/server/checkpoint_transfer_service.h"
#include "om.pb.h"
#include "om/ha/om_replicated_state.h"
#include "om/om_execution_flow.h"
#include "om/scm/batching_block_client.h"
#include "om/scm/prefetching_block_client.h"
#include "om/server/om_bootstrap_check.h"
#include "om/server/om_configuration_service.h"
#include "om/server/om_grpc_server.h"
#include "om/server/om_leader_gate.h"
#include "om/server/om_membership_service.h"
#include "om/server/om_peer_list_updater.h"
#include "om/server/om_protocol_service.h"
#include "om/server/om_ring_admin.h"
#include "om/server/om_server_config.h"
#include "om/server/om_service_watcher.h"
#include "om/server/om_storage_config.h"
#include "om/server/scm_client_adapter.h"
#include "om/service/key_deleting_service.h"
#include "om/service/key_lifecycle_service.h"
#include "om/service/om_service_config_store.h"
#include "om/service/open_key_cleanup_service.h"
#include "rpc/failover_client.h"

namespace ozone::om {

namespace {

// The Replicator the flow submits through: the node's HaNode once it runs (NotLeader before).
class NodeReplicator : public ha::Replicator {
 public:
  void Set(ha::HaNode* node) { node_.store(node); }
  Result<std::string> Submit(std::string request) override {
    ha::HaNode* node = node_.load();
    if (node == nullptr) return ozone::Status::NotLeader("the OM's ring is not running");
    return node->Submit(std::move(request));
  }
  void SubmitAsync(std::string request, SubmitCallback done) override {
    ha::HaNode* node = node_.load();
    if (node == nullptr) return done(ozone::Status::NotLeader("the OM's ring is not running"));
    node->SubmitAsync(std::move(request), std::move(done));
  }

 private:
  std::atomic<ha::HaNode*> node_{nullptr};
};

}  // namespace

struct OzoneManager::Parts {
  OzoneManagerOptions options;
  OmStorageConfig storage;
  OmServerConfig config;
  std::string cluster_id;
  std::string om_uuid;
  // Re-reads ozone-site.xml for the OMs added while running (bootstrap).
  std::unique_ptr<config::ConfigReloader> reloader;

  // The replicated namespace, applied from the log into om.db.
  std::unique_ptr<OmReplicatedState> state;
  std::unique_ptr<ha::DbStateMachine> state_machine;

  // This node's place in the ring, the execution flow and the leader-only services.
  ha::HaContext context;
  ha::ServiceManager services;
  NodeReplicator replicator;
  std::unique_ptr<ScmClientAdapter> scm;
  std::unique_ptr<BatchingScmBlockClient> block_batcher;
  std::unique_ptr<PrefetchingScmBlockClient> block_prefetcher;
  std::unique_ptr<OmExecutionFlow> flow;
  std::unique_ptr<OmServiceConfigStore> config_store;
  std::unique_ptr<KeyDeletingService> key_deleting;
  std::unique_ptr<OpenKeyCleanupService> open_key_cleanup;
  std::unique_ptr<KeyLifecycleService> lifecycle;

  // Started by Start().
  std::unique_ptr<ha::HaNode> ha;
  std::unique_ptr<OmLeaderGate> gate;
  std::unique_ptr<OmRingAdmin> ring_admin;
  std::unique_ptr<OmProtocolService> protocol_service;
  std::unique_ptr<OmMembershipService> membership_service;
  std::unique_ptr<OmDecommission> decommission;
  std::unique_ptr<OmConfigurationService> configuration_service;
  std::shared_ptr<OmPeerListUpdater> peer_list_updater;
  std::shared_ptr<ha::BackgroundService> learner_promoter;
  std::unique_ptr<ha::CheckpointTransferService> checkpoint_service;
  std::unique_ptr<OmGrpcServer> grpc_server;

  StopLatch stop;

  // Logs the state machine's FlushStats (entries per RocksDB batch, Ozone's
  // OzoneManagerDoubleBufferMetrics) once a second while they change: bench/om_bench reads the
  // cumulative counters from the log before and after a load phase.
  std::thread stats_thread;
  std::mutex stats_mu;
  std::condition_variable stats_cv;
  bool stats_stop = false;  // guarded by stats_mu
  void StartStatsLog();
  void StopStatsLog();

  ozone::Status StartServers();
  // A bootstrapping node asks the leader to add it; returns once it votes (a listener: once it
  // is a member).
  ozone::Status JoinRing();
  void StopAll();
};

OzoneManager::OzoneManager() : parts_(std::make_unique<Parts>()) {}

OzoneManager::~OzoneManager() { Stop(); }

Result<std::unique_ptr<OzoneManager>> OzoneManager::Create(const config::Configuration& conf,
                                                           OzoneManagerOptions options) {
  std::unique_ptr<OzoneManager> om(new OzoneManager());
  Parts& p = *om->parts_;
  p.options = options;
  OZ_ASSIGN_OR_RETURN(p.storage, OmStorageConfig::FromConfiguration(conf));
  p.reloader = std::make_unique<config::ConfigReloader>(
      options.config_sources ? config::ConfigReloader(*options.config_sources)
                             : config::ConfigReloader::Fixed(conf));
  Result<VersionFile> version = p.storage.LoadVersion();
  if (version.status().IsNotFound()) {
    return ozone::Status::FailedPrecondition("OM " + p.storage.self.node_id +
                                             " is not initialized (no " + p.storage.version_path +
                                             "): run `ozone om --init` first");
  }
  OZ_RETURN_IF_ERROR(version.status());
  p.cluster_id = version->cluster_id();
  p.om_uuid = version->Get(VersionFile::kOmUuid).value_or("");
  OZ_ASSIGN_OR_RETURN(p.config, OmServerConfig::FromConfiguration(conf));
  p.config.om.service_id = p.storage.self.service_id;

  // om.db through the double-buffered state machine; checkpoints come from the leader's RPC port.
  p.state = std::make_unique<OmReplicatedState>(p.config.om);
  if (options.cancel_prepare) p.state->prepare().CancelOnLoad();
  ha::GrpcCheckpointFetcherOptions fo;
  fo.cluster_id = p.cluster_id;
  fo.deadline = p.config.checkpoint_deadline;
  const OmStorageConfig* storage = &p.storage;
  fo.address_of = [storage](const raft::PeerInfo& peer) -> Result<std::string> {
    std::optional<topology::OmNodeDetails> n = storage->NodeById(peer.id);
    if (!n) {
      return ozone::Status::NotFound("OM " + peer.id + " (" + peer.address +
                                     ") is not in this node's configuration");
    }
    return n->rpc_address.ToString();
  };
  ha::DbStateMachineOptions so = OmStateMachineOptions(p.state->options(), p.storage.db_path);
  so.snapshot_dir = p.storage.snapshot_dir;
  OZ_ASSIGN_OR_RETURN(p.state_machine,
                      p.state->OpenStateMachine(std::move(so), ha::MakeGrpcCheckpointFetcher(fo)));

  // SCM, through its client (failover over the configured SCMs).
  OZ_ASSIGN_OR_RETURN(std::unique_ptr<client::ScmClient> scm_client,
                      client::ScmClient::Create(conf));
  p.scm = std::make_unique<ScmClientAdapter>(std::move(scm_client));
  // Key opens arriving together share one allocateBlock call.
  p.block_batcher = std::make_unique<BatchingScmBlockClient>(p.scm.get());
  // ... and usually find their blocks allocated ahead.
  BlockPrefetchOptions prefetch;
  prefetch.reserve = p.state->options().scm_block_prefetch_count;
  prefetch.max_age = p.state->options().scm_block_prefetch_max_age;
  p.block_prefetcher =
      std::make_unique<PrefetchingScmBlockClient>(p.block_batcher.get(), prefetch, &Clock::Real());

  p.flow = std::make_unique<OmExecutionFlow>(
      &p.state->options(), &p.replicator, &p.state->metadata(), &p.state->retry_cache(),
      p.block_prefetcher.get(), &Clock::Real(), &p.state->prepare(), &p.state->proposed());

  // Leader-only services (seed 002); OM has no safe mode.
  p.context.SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
  p.config_store = std::make_unique<OmServiceConfigStore>(p.flow.get(), &p.state->metadata(),
                                                          &p.state->service_configs());
  p.key_deleting = std::make_unique<KeyDeletingService>(&p.state->options(), &p.state->metadata(),
                                                        p.flow.get(), p.scm.get());
  p.open_key_cleanup = std::make_unique<OpenKeyCleanupService>(
      &p.state->options(), &p.state->metadata(), p.flow.get(), &Clock::Real());
  p.lifecycle =
      std::make_unique<KeyLifecycleService>(&p.state->options(), &p.state->metadata(), p.flow.get(),
                                            p.config_store.get(), &Clock::Real());
  std::vector<std::shared_ptr<ha::BackgroundService>> background = {
      p.key_deleting->MakeBackgroundService(&p.context, &Clock::Real()),
      p.open_key_cleanup->MakeBackgroundService(&p.context),
      p.lifecycle->MakeBackgroundService(&p.context)};
  for (const auto& s : background) p.services.Register(s);
  p.services.Register(
      std::make_shared<OmServiceWatcher>(p.storage.self.node_id, &p.context, background));
  return om;
}

ozone::Status OzoneManager::Parts::StartServers() {
  gate = std::make_unique<OmLeaderGate>(&storage, &context, [this] { return ha->Leader(); });
  ring_admin = std::make_unique<OmRingAdmin>(&storage, ha.get());
  protocol_service = std::make_unique<OmProtocolService>(storage.self.node_id, gate.get(),
                                                         flow.get(), ring_admin.get());
  membership_service = std::make_unique<OmMembershipService>(&storage, reloader.get(), gate.get(),
                                                             ha.get(), config.bootstrap_timeout);
  decommission = std::make_unique<OmDecommission>(&storage, ha.get());
  configuration_service = std::make_unique<OmConfigurationService>(
      &storage, reloader.get(), [this] { return ha->Status().configuration; }, gate.get(),
      decommission.get());
  ha::CheckpointTransferOptions co;
  co.cluster_id = cluster_id;
  co.create_checkpoint = [this](const std::string& dir) {
    return state_machine->CreateCheckpoint(dir);
  };
  co.scratch_dir = state_machine->snapshot_dir();
  checkpoint_service = std::make_unique<ha::CheckpointTransferService>(std::move(co));
  OZ_ASSIGN_OR_RETURN(grpc_server,
                      OmGrpcServer::Start(storage.self.rpc_address.ToString(),
                                          {protocol_service.get(), membership_service.get(),
                                           configuration_service.get(), checkpoint_service.get()},
                                          protocol_service.get(), protocol_service->framed()));
  return ozone::Status::OK();
}

ozone::Status OzoneManager::Parts::JoinRing() {
  std::vector<rpc::RpcEndpoint> endpoints;
  for (const auto& n : storage.Others()) {
    endpoints.push_back({n.node_id, n.rpc_address.ToString()});
  }
  rpc::FailoverOptions fo;
  fo.retry_interval = std::chrono::milliseconds(500);
  fo.max_failovers = 120;
  fo.rpc_timeout = config.bootstrap_timeout;
  rpc::FailoverClient client(std::move(endpoints), fo);
  BootstrapOmRequest req;
  req.set_nodeid(storage.self.node_id);
  req.set_ratisaddress(storage.self.RatisAddress().ToString());
  req.set_force(options.force_bootstrap);
  req.set_islistener(storage.listeners.count(storage.self.node_id) > 0);
  BootstrapOmResponse resp;
  spdlog::info("om {}: asking the leader to add this OM to the ring of {}", storage.self.node_id,
               storage.self.service_id);
  ozone::Status s = client.Call(BootstrapOmRequest::descriptor()
                                    ->file()
                                    ->FindServiceByName("OzoneManagerInterService")
                                    ->FindMethodByName("Bootstrap"),
                                req, &resp);
  if (!s.ok()) return s.WithContext("Bootstrapping OM " + storage.self.node_id + " failed");
  spdlog::info("om {}: joined the ring of {}", storage.self.node_id, storage.self.service_id);
  return ozone::Status::OK();
}

ozone::Status OzoneManager::Start() {
  Parts& p = *parts_;
  const OmServerConfig& c = p.config;
  const std::string log_dir = p.storage.RaftLogDir();
  OZ_ASSIGN_OR_RETURN(bool has_ring, ha::HaNode::HasRing(log_dir));
  std::vector<raft::PeerInfo> configured;
  for (const auto& n : p.storage.nodes.All()) {
    // Listeners (ozone.om.listener.nodes.<svc>) are members that never vote.
    configured.push_back(
        {n.node_id, n.RatisAddress().ToString(),
         p.storage.listeners.count(n.node_id) ? raft::PeerRole::kLearner : raft::PeerRole::kVoter});
  }
  bool join = false;
  if (!has_ring) {
    if (p.options.bootstrap) {
      if (p.storage.Others().empty()) {
        return ozone::Status::FailedPrecondition("OM " + p.storage.self.node_id +
                                                 " has no other OM configured to bootstrap from");
      }
      // Before anything starts: a refusal leaves the ring and this node as they were.
      if (!p.options.force_bootstrap) {
        OZ_RETURN_IF_ERROR(
            OmBootstrapCheck::Run(p.storage.self, p.storage.Others(),
                                  OmBootstrapCheck::OverGrpc(c.bootstrap_check_timeout)));
      }
      join = true;
    } else {
      // Ozone's non-bootstrap start: the group is every configured OM; each writes the same
      // first configuration (same ids, addresses and order), so their logs agree.
      OZ_RETURN_IF_ERROR(
          ha::HaNode::Bootstrap(log_dir, raft::Configuration{configured})
              .WithContext("writing the first configuration of the ring into " + log_dir));
      spdlog::info("om {}: formed the ring of {} with {} configured OMs", p.storage.self.node_id,
                   p.storage.self.service_id, configured.size());
    }
  }

  ha::HaNodeOptions o;
  o.group_id = p.storage.GroupId();
  o.self_id = p.storage.self.node_id;
  o.ratis_listen_address = p.storage.self.RatisAddress().ToString();
  o.cluster_id = p.cluster_id;
  o.log_dir = log_dir;
  o.log = c.log;
  o.known_peers = configured;
  o.server = c.raft;
  o.runtime = c.runtime;
  o.request_timeout = c.request_timeout;
  o.transport = c.transport;
  OZ_ASSIGN_OR_RETURN(
      p.ha, ha::HaNode::Start(std::move(o), p.state_machine.get(), &p.context, &p.services));
  // A completed prepare takes a snapshot and purges the Raft log up to it, as Ozone's does.
  p.state->prepare().SetOnCompleted([ha = p.ha.get()](uint64_t) { ha->RequestSnapshot(); });
  p.replicator.Set(p.ha.get());
  // Learns the OMs that join the ring while this one runs (started with the services).
  p.peer_list_updater = std::make_shared<OmPeerListUpdater>(
      &p.storage, p.reloader.get(), [&p] { return p.ha->Status().configuration; });
  p.services.Register(p.peer_list_updater);
  // Learners left by a cut-short bootstrap become voters once caught up (leader only).
  // A learner named a listener (in the configuration at start, else in the re-read file) stays
  // one; a listener found once is remembered, so that the file is not re-read every second. The
  // promoter's runs never overlap: the set needs no lock.
  p.learner_promoter = ha::MakeLearnerPromoter(
      [&p] { return p.ha.get(); }, &p.context,
      [&p, listeners = p.storage.listeners](const raft::PeerId& id) mutable {
        if (listeners.count(id) > 0) return true;
        Result<config::Configuration> conf = p.reloader->Reload();
        if (!conf.ok()) return true;  // unknown: leave it a learner
        if (topology::ListenerOmNodeIds(*conf, p.storage.self.service_id).count(id) == 0) {
          return false;
        }
        listeners.insert(id);
        return true;
      });
  p.services.Register(p.learner_promoter);

  ozone::Status s = p.StartServers();
  if (s.ok()) {
    p.services.StartAll();
    if (join) s = p.JoinRing();
  }
  if (!s.ok()) {
    p.StopAll();
    return s;
  }
  p.StartStatsLog();
  spdlog::info("om {}: started (omUuid {}, cluster {}, service {}): rpc {}, ratis {}",
               p.storage.self.node_id, p.om_uuid, p.cluster_id, p.storage.self.service_id,
               p.storage.self.rpc_address.ToString(), p.storage.self.RatisAddress().ToString());
  return ozone::Status::OK();
}

void OzoneManager::Parts::StartStatsLog() {
  stats_thread = std::thread([this] {
    NameThisThread("om-stats");
    uint64_t logged = 0;
    std::unique_lock<std::mutex> l(stats_mu);
    while (!stats_cv.wait_for(l, std::chrono::seconds(1), [this] { return stats_stop; })) {
      ha::FlushStats f = state_machine->flush_stats();
      if (f.flushes == logged) continue;
      logged = f.flushes;
      spdlog::info(
          "om {}: flush stats: flushes={} flushed_entries={} max_entries_in_flush={} "
          "avg_entries_per_flush={:.2f} blocks_allocated_ahead_used={} "
          "blocks_allocated_ahead_target={}",
          storage.self.node_id, f.flushes, f.flushed_entries, f.max_entries_in_flush,
          f.AverageEntriesPerFlush(), block_prefetcher->served_from_reserve(),
          block_prefetcher->target());
    }
  });
}

void OzoneManager::Parts::StopStatsLog() {
  {
    std::lock_guard<std::mutex> l(stats_mu);
    stats_stop = true;
  }
  stats_cv.notify_all();
  if (stats_thread.joinable()) stats_thread.join();
}

void OzoneManager::Parts::StopAll() {
  // No new requests, then no leader logic, then the ring, then the checkpoint server.
  services.StopAll();
  if (state) state->prepare().SetOnCompleted(nullptr);
  if (ha) ha->Stop();
  if (grpc_server) grpc_server->Stop();
}

void OzoneManager::Wait() { parts_->stop.Wait(); }

void OzoneManager::Stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  if (!p.stop.TryBegin()) return;
  spdlog::info("om {}: stopping", p.storage.self.node_id);
  p.StopStatsLog();
  p.StopAll();
  if (p.state_machine) {
    ozone::Status s = p.state_machine->Flush();
    if (!s.ok()) spdlog::warn("om: final flush failed: {}", s.ToString());
  }
  spdlog::info("om {}: stopped", p.storage.self.node_id);
  p.stop.Finish();
}

}  // namespace ozone::om
