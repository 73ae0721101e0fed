#include "tests/datanode_sim/simulated_datanode.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "scm.grpc.pb.h"

namespace ozone::dnsim {

namespace {

std::string PipelineKey(const hdds::PipelineID& id) { return id.id(); }

}  // namespace

struct SimulatedDatanode::Endpoint {
  std::string address;
  std::unique_ptr<scm::ScmDatanodeProtocol::Stub> stub;
  std::thread thread;
  std::atomic<bool> registered{false};
  std::atomic<uint64_t> heartbeats{0};
  int since_full = 0;  // endpoint thread only
  // Pending reports for this SCM; guarded by the datanode's mu_.
  std::vector<scm::ContainerReplicaProto> incremental;
  std::vector<scm::CommandStatus> statuses;
};

SimulatedDatanode::SimulatedDatanode(SimulatedDatanodeOptions options)
    : options_(std::move(options)) {
  for (const std::string& address : options_.scm_addresses) {
    auto e = std::make_unique<Endpoint>();
    e->address = address;
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    e->stub = scm::ScmDatanodeProtocol::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
    endpoints_.push_back(std::move(e));
  }
}

SimulatedDatanode::~SimulatedDatanode() { Stop(); }

hdds::DatanodeDetailsProto SimulatedDatanode::details() const {
  hdds::DatanodeDetailsProto d;
  d.set_uuid(options_.uuid);
  d.set_ipaddress(options_.ip_address);
  d.set_hostname(options_.hostname);
  d.set_networklocation("/default-rack");
  for (const auto& [name, port] :
       std::vector<std::pair<std::string, int>>{{"RATIS", 9858}, {"STANDALONE", 9859}}) {
    auto* p = d.add_ports();
    p->set_name(name);
    p->set_value(port);
  }
  return d;
}

void SimulatedDatanode::Start() {
  std::lock_guard<std::mutex> l(run_mu_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  for (auto& e : endpoints_) {
    Endpoint* raw = e.get();
    e->thread = std::thread([this, raw] { RunEndpoint(raw); });
  }
}

void SimulatedDatanode::Stop() {
  {
    std::lock_guard<std::mutex> l(run_mu_);
    if (!running_) return;
    stopping_ = true;
  }
  run_cv_.notify_all();
  for (auto& e : endpoints_) {
    if (e->thread.joinable()) e->thread.join();
    e->registered = false;
  }
  std::lock_guard<std::mutex> l(run_mu_);
  running_ = false;
}

void SimulatedDatanode::RunEndpoint(Endpoint* e) {
  while (true) {
    if (!e->registered) {
      RegisterWith(e);
    } else {
      HeartbeatTo(e);
    }
    std::unique_lock<std::mutex> l(run_mu_);
    if (run_cv_.wait_for(l, options_.heartbeat_interval, [this] { return stopping_; })) return;
  }
}

scm::NodeReportProto SimulatedDatanode::NodeReport() const {
  scm::NodeReportProto r;
  auto* s = r.add_storagereport();
  s->set_storageuuid("DS-" + options_.uuid);
  s->set_storagelocation("/data/hdds");
  uint64_t used = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [id, c] : containers_) used += c.used;
  }
  s->set_capacity(options_.capacity);
  s->set_scmused(used);
  s->set_remaining(options_.capacity > used ? options_.capacity - used : 0);
  return r;
}

scm::ContainerReportsProto SimulatedDatanode::FullReportLocked() const {
  scm::ContainerReportsProto r;
  for (const auto& [id, c] : containers_) {
    auto* p = r.add_reports();
    p->set_containerid(id);
    p->set_state(c.state);
    p->set_used(c.used);
    p->set_keycount(c.key_count);
    p->set_blockcommitsequenceid(c.bcsid);
    p->set_originnodeid(options_.uuid);
  }
  return r;
}

scm::PipelineReportsProto SimulatedDatanode::PipelineReportLocked() const {
  scm::PipelineReportsProto r;
  for (const auto& [id, leader] : pipelines_) {
    auto* p = r.add_pipelinereport();
    p->mutable_pipelineid()->set_id(id);
    p->set_isleader(leader);
  }
  return r;
}

bool SimulatedDatanode::RegisterWith(Endpoint* e) {
  scm::RegisterRequest req;
  *req.mutable_datanodedetails() = details();
  *req.mutable_nodereport() = NodeReport();
  {
    std::lock_guard<std::mutex> l(mu_);
    *req.mutable_containerreport() = FullReportLocked();
    *req.mutable_pipelinereports() = PipelineReportLocked();
    // The full report covers what was pending.
    e->incremental.clear();
  }
  scm::RegisterResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status s = e->stub->Register(&ctx, req, &resp);
  if (!s.ok()) return false;
  e->registered = true;
  e->since_full = 0;
  spdlog::info("dn {}: registered with SCM {} (cluster {})", options_.uuid, e->address,
               resp.clusterid());
  return true;
}

bool SimulatedDatanode::HeartbeatTo(Endpoint* e) {
  scm::HeartbeatRequest req;
  *req.mutable_datanodedetails() = details();
  *req.mutable_nodereport() = NodeReport();
  std::vector<scm::ContainerReplicaProto> incremental;
  std::vector<scm::CommandStatus> statuses;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (++e->since_full >= options_.full_report_every) {
      e->since_full = 0;
      *req.mutable_containerreport() = FullReportLocked();
      e->incremental.clear();
    }
    incremental.swap(e->incremental);
    statuses.swap(e->statuses);
    *req.mutable_pipelinereports() = PipelineReportLocked();
  }
  if (!incremental.empty()) {
    auto* icr = req.add_incrementalcontainerreport();
    for (const auto& r : incremental) *icr->add_report() = r;
  }
  if (!statuses.empty()) {
    auto* csr = req.add_commandstatusreports();
    for (const auto& s : statuses) *csr->add_cmdstatus() = s;
  }
  scm::HeartbeatResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status s = e->stub->Heartbeat(&ctx, req, &resp);
  if (!s.ok()) {
    // Send them again next time (before what happened meanwhile).
    std::lock_guard<std::mutex> l(mu_);
    e->incremental.insert(e->incremental.begin(), incremental.begin(), incremental.end());
    e->statuses.insert(e->statuses.begin(), statuses.begin(), statuses.end());
    return false;
  }
  ++e->heartbeats;
  if (resp.has_term()) {
    std::lock_guard<std::mutex> l(mu_);
    RaiseTermLocked(resp.term());
  }
  for (const scm::SCMCommandProto& c : resp.commands()) {
    if (c.commandtype() == scm::SCMCommandProto::reregisterCommand) {
      e->registered = false;
      continue;
    }
    HandleCommand(c);
  }
  return true;
}

void SimulatedDatanode::RaiseTermLocked(int64_t term) {
  if (term > highest_term_) highest_term_ = term;
}

void SimulatedDatanode::ReportLocked(int64_t container_id, const SimulatedReplica& replica,
                                     bool deleted) {
  scm::ContainerReplicaProto p;
  p.set_containerid(container_id);
  p.set_state(deleted ? scm::REPLICA_DELETED : replica.state);
  p.set_used(replica.used);
  p.set_keycount(replica.key_count);
  p.set_blockcommitsequenceid(replica.bcsid);
  p.set_originnodeid(options_.uuid);
  for (auto& e : endpoints_) e->incremental.push_back(p);
}

void SimulatedDatanode::SetReplica(int64_t container_id, const SimulatedReplica& replica) {
  std::lock_guard<std::mutex> l(mu_);
  containers_[container_id] = replica;
  ReportLocked(container_id, replica, false);
}

bool SimulatedDatanode::HandleCommand(const scm::SCMCommandProto& c) {
  using Type = scm::SCMCommandProto;
  std::lock_guard<std::mutex> l(mu_);
  if (c.term() < highest_term_) {
    ++dropped_;
    spdlog::warn(
        "dn {}: Detect and drop a SCMCommand {} from stale leader SCM, stale term {}, "
        "latest term {}",
        options_.uuid, Type::Type_Name(c.commandtype()), c.term(), highest_term_);
    return false;
  }
  RaiseTermLocked(c.term());
  switch (c.commandtype()) {
    case Type::createPipelineCommand: {
      const auto& p = c.createpipelinecommandproto();
      bool leader = p.datanode_size() > 0 && p.datanode(0).uuid() == options_.uuid;
      pipelines_[PipelineKey(p.pipelineid())] = leader;
      break;
    }
    case Type::closePipelineCommand:
      pipelines_.erase(PipelineKey(c.closepipelinecommandproto().pipelineid()));
      break;
    case Type::closeContainerCommand: {
      int64_t id = c.closecontainercommandproto().containerid();
      SimulatedReplica& r = containers_[id];
      r.state = scm::REPLICA_CLOSED;
      ReportLocked(id, r, false);
      break;
    }
    case Type::deleteBlocksCommand: {
      scm::CommandStatus status;
      status.set_cmdid(c.cmdid());
      status.set_status(scm::CommandStatus::EXECUTED);
      status.set_type(Type::deleteBlocksCommand);
      for (const auto& tx : c.deleteblockscommandproto().deletedblockstransactions()) {
        deleted_txs_.insert(tx.txid());
        status.add_committedtxids(tx.txid());
        auto it = containers_.find(tx.containerid());
        if (it != containers_.end() && it->second.key_count > 0) {
          it->second.key_count -= std::min<uint64_t>(it->second.key_count, tx.localid_size());
        }
      }
      for (auto& e : endpoints_) e->statuses.push_back(status);
      break;
    }
    case Type::replicateContainerCommand: {
      int64_t id = c.replicatecontainercommandproto().containerid();
      SimulatedReplica& r = containers_[id];
      r.state = scm::REPLICA_CLOSED;
      ReportLocked(id, r, false);
      break;
    }
    case Type::deleteContainerCommand: {
      int64_t id = c.deletecontainercommandproto().containerid();
      auto it = containers_.find(id);
      if (it != containers_.end()) {
        SimulatedReplica gone = it->second;
        containers_.erase(it);
        ReportLocked(id, gone, true);
      }
      break;
    }
    default:
      break;
  }
  ++executed_;
  return true;
}

std::map<int64_t, SimulatedReplica> SimulatedDatanode::containers() const {
  std::lock_guard<std::mutex> l(mu_);
  return containers_;
}

std::set<std::string> SimulatedDatanode::pipelines() const {
  std::lock_guard<std::mutex> l(mu_);
  std::set<std::string> out;
  for (const auto& [id, leader] : pipelines_) out.insert(id);
  return out;
}

std::set<int64_t> SimulatedDatanode::deleted_transactions() const {
  std::lock_guard<std::mutex> l(mu_);
  return deleted_txs_;
}

int64_t SimulatedDatanode::highest_term() const {
  std::lock_guard<std::mutex> l(mu_);
  return highest_term_;
}

size_t SimulatedDatanode::registered_endpoints() const {
  size_t n = 0;
  for (const auto& e : endpoints_) n += e->registered ? 1 : 0;
  return n;
}

std::map<std::string, uint64_t> SimulatedDatanode::heartbeats() const {
  std::map<std::string, uint64_t> out;
  for (const auto& e : endpoints_) out[e->address] = e->heartbeats.load();
  return out;
}

}  // namespace ozone::dnsim
