#include "scm/ha/testing/scm_test_env.h"

#include <cassert>
#include <cstdio>

#include "scm/metadata/scm_db_definition.h"
#include "scm/node/datanode_details.h"

namespace ozone::scm::testing {

hdds::DatanodeDetailsProto MakeDatanode(int i) {
  char uuid[40];
  std::snprintf(uuid, sizeof(uuid), "00000000-0000-0000-0000-%012x", i);
  hdds::DatanodeDetailsProto d;
  d.set_uuid(uuid);
  d.set_ipaddress("10.0.0." + std::to_string(i));
  d.set_hostname("dn" + std::to_string(i));
  auto* port = d.add_ports();
  port->set_name("RATIS");
  port->set_value(9858);
  return d;
}

ReplicatedScm::ReplicatedScm(const std::string& db_path)
    : sequence_ids(std::string(kSequenceId.name)),
      service_configs(std::string(kStatefulServiceConfig.name)),
      handler(&containers, &pipelines, &deleted_blocks, &sequence_ids, &service_configs) {
  auto db = storage::DBStore::Open(db_path, ScmDbDefinition());
  assert(db.ok());
  db_ = std::move(db).value();
  Status loaded = handler.Reload(*db_);
  assert(loaded.ok());
  loaded.IgnoreError();
  log_ = std::make_unique<ha::testing::DirectReplicator>(db_.get(), &handler,
                                                         std::string(kTransactionInfoTable.name));
}

Result<std::string> GatedReplicator::Submit(std::string request) {
  if (!context_->IsLeader()) return context_->TermOfLeader().status();
  return inner_->Submit(std::move(request));
}

namespace {

ha::SequenceIdGeneratorOptions IdOptions(uint64_t batch) {
  ha::SequenceIdGeneratorOptions o;
  o.batch_size = batch;
  return o;
}

}  // namespace

ScmNode::ScmNode(ReplicatedScm* state_in, const Clock* clock, ScmNodeOptions options)
    : state(state_in),
      replicator(&state_in->log(), &context),
      requests(&replicator),
      nodes(options.nodes, clock),
      ids(IdOptions(options.sequence_id_batch), &state_in->sequence_ids,
          [this](const std::string& name, uint64_t expected, uint64_t next) {
            return requests.AllocateSequenceBatch(name, expected, next);
          }),
      pipelines(options.pipelines, &state_in->pipelines, &nodes, &requests, &context, clock),
      containers(options.containers, &state_in->containers, &state_in->pipelines, &nodes, &ids,
                 &requests, &context, clock),
      blocks(options.blocks, &containers, &pipelines, &ids, &context),
      deleted_blocks(options.deleted_blocks, &state_in->deleted_blocks, &containers, &nodes, &ids,
                     &requests, &context, clock),
      replication(options.replication, &containers, &nodes, &context, clock),
      config_store(&requests, [state_in] { return state_in->db(); }),
      balancer(std::make_shared<ContainerBalancer>(&config_store, &context, &containers, &nodes)),
      safe_mode(options.safe_mode, &context, &services, &nodes, &state_in->containers, &containers,
                &pipelines, [this] { return state_machine_ready; }) {
  pipelines.SetContainerManager(&containers);
  services.Register(balancer);
  services.Register(replication.service());
  context.SetLeader(true, Term(1));
  context.SetLeaderReady();
  context.SetSafeMode(ha::SafeModeStatus::kOutOfSafeMode);
}

ScmNode::~ScmNode() { services.StopAll(); }

void ScmNode::BecomeLeader(Term term) {
  context.SetLeader(true, term);
  ids.InvalidateBatch();
  deleted_blocks.OnBecameLeader();
  replication.OnBecameLeader();
  context.SetLeaderReady();
  services.NotifyStatusChanged();
}

void ScmNode::BecomeFollower(Term term, const std::string& leader_hint) {
  context.SetLeader(false, term);
  context.SetLeaderHint(leader_hint);
  nodes.ClearCommands();
  services.NotifyStatusChanged();
}

std::vector<std::string> ScmNode::RegisterDatanodes(int n, int first) {
  std::vector<std::string> uuids;
  for (int i = first; i < first + n; ++i) {
    NodeReportProto report;
    auto* storage = report.add_storagereport();
    storage->set_storageuuid("disk-" + std::to_string(i));
    storage->set_storagelocation("/data");
    storage->set_capacity(uint64_t{100} << 30);
    storage->set_scmused(0);
    storage->set_remaining(uint64_t{100} << 30);
    uuids.push_back(nodes.Register(MakeDatanode(i), report));
  }
  return uuids;
}

void ScmNode::ReportAllPipelines() {
  std::vector<hdds::Pipeline> all = state->pipelines.List();
  for (const NodeStatus& node : nodes.List()) {
    const std::string uuid = DatanodeUuid(node.details);
    PipelineReportsProto report;
    for (const auto& p : all) {
      if (p.state() == hdds::PIPELINE_CLOSED) continue;
      for (int i = 0; i < p.members_size(); ++i) {
        if (DatanodeUuid(p.members(i)) != uuid) continue;
        auto* r = report.add_pipelinereport();
        *r->mutable_pipelineid() = p.id();
        r->set_isleader(i == 0);
      }
    }
    pipelines.ProcessPipelineReport(uuid, report);
  }
}

Result<hdds::Pipeline> ScmNode::OpenPipeline(hdds::ReplicationFactor factor) {
  OZ_ASSIGN_OR_RETURN(hdds::Pipeline p, pipelines.CreatePipeline(hdds::RATIS, factor));
  ReportAllPipelines();
  std::optional<hdds::Pipeline> opened = pipelines.Get(p.id());
  if (!opened || opened->state() != hdds::PIPELINE_OPEN) {
    return Status::Internal("pipeline did not open");
  }
  return *opened;
}

void ScmNode::ReportReplica(const std::string& uuid, int64_t container_id,
                            ContainerReplicaState replica_state, uint64_t used, uint64_t keys) {
  IncrementalContainerReportProto report;
  auto* r = report.add_report();
  r->set_containerid(container_id);
  r->set_state(replica_state);
  r->set_used(used);
  r->set_keycount(keys);
  containers.ProcessIncrementalReport(uuid, report);
}

std::vector<SCMCommandProto> ScmNode::TakeCommands(const std::string& uuid) {
  return nodes.Heartbeat(uuid, nullptr, context.IsLeader());
}

}  // namespace ozone::scm::testing
