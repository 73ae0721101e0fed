#include "ha/raft/sim/sim_cluster.h"

#include <fmt/format.h>

#include "ha/raft/sim/linearizability_checker.h"

namespace ozone::raft::sim {

SimCluster::SimCluster(const SimOptions& options) : world_(options) {
  clients_ = std::make_unique<SimClients>(&world_, this);
  world_.on_loss = [this](const PeerId& from, const PeerId& to) { OnLoss(from, to); };
  const int total = options.nodes + options.spare_nodes;
  for (int i = 1; i <= total; ++i) {
    ids_.push_back(fmt::format("n{}", i));
    nodes_.push_back(std::make_unique<SimNode>(ids_.back(), &world_, clients_.get()));
  }
}

SimCluster::~SimCluster() = default;

SimNode* SimCluster::FindNode(const PeerId& id) {
  for (auto& n : nodes_) {
    if (n->id() == id) return n.get();
  }
  return nullptr;
}

Status SimCluster::Run() {
  const SimOptions& o = world_.options;
  Configuration founding;
  for (int i = 0; i < o.nodes; ++i) {
    founding.peers.push_back(PeerInfo{ids_[i], "sim:" + ids_[i], PeerRole::kVoter});
  }
  for (int i = 0; i < o.nodes; ++i) nodes_[i]->Bootstrap(founding, o.bootstrap_with_entry);
  nemesis_ = std::make_unique<Nemesis>(&world_, &nodes_, founding,
                                       o.bootstrap_with_entry ? LogIndex(1) : LogIndex(0));
  world_.network.set_faults(o.faults.network);
  SIM_TRACE(world_.trace,
            "seed {}: {} voters + {} spares, bootstrap {}, {} transport, pre-vote {}, "
            "check-quorum {}, heartbeat {} ticks, window {} appends",
            o.seed, o.nodes, o.spare_nodes, o.bootstrap_with_entry ? "entry" : "snapshot",
            o.connection_transport ? "connection" : "datagram", o.raft.pre_vote,
            o.raft.check_quorum, o.raft.heartbeat_ticks, o.raft.max_inflight_appends);
  for (int i = 0; i < o.nodes; ++i) nodes_[i]->Start();
  CheckInvariants();

  // 1. Chaos.
  clients_->Start();
  nemesis_->Start(o.chaos_duration);
  while (!world_.failed() && world_.now < o.chaos_duration && Step()) {
  }
  if (world_.failed()) return world_.failure;

  // 2. Convergence.
  clients_->StopIssuing();
  nemesis_->Stop();
  CheckInvariants();
  const SimTime deadline = world_.now + o.converge_timeout;
  SimTime next_check = world_.now;
  std::string why;
  while (!world_.failed()) {
    if (world_.now >= next_check) {
      if (Converged(&why)) break;
      nemesis_->DecommissionRemoved();
      next_check = world_.now + 10 * kMillisecond;
    }
    if (world_.now >= deadline) {
      return Status::Internal(
          fmt::format("liveness: no convergence within {}ms after healing ({}; {} transport)\n{}",
                      o.converge_timeout / kMillisecond, why,
                      o.connection_transport ? "connection" : "datagram", DescribeServers()));
    }
    if (!Step()) return Status::Internal("the simulation ran out of events");
  }
  if (world_.failed()) return world_.failure;
  SIM_TRACE(world_.trace, "converged");

  // 3. Final checks.
  return FinalChecks();
}

bool SimCluster::Step() {
  const SimTime network_time = world_.network.NextDeliveryTime();
  const SimTime event_time = world_.events.NextTime();
  if (network_time == kSimTimeInfinity && event_time == kSimTimeInfinity) return false;
  if (network_time <= event_time) {
    world_.now = network_time;
    SimNetwork::Arrival arrival = world_.network.PopNext();
    SimNode* to = FindNode(arrival.message.to);
    if (arrival.lost) {
      SIM_TRACE(world_.trace, "lost (link down) {}", DescribeMessage(arrival.message));
      OnLoss(arrival.message.from, arrival.message.to);
    } else if (to != nullptr && to->alive()) {
      to->Receive(std::move(arrival.message));
    } else {
      SIM_TRACE(world_.trace, "lost (server down) {}", DescribeMessage(arrival.message));
      OnLoss(arrival.message.from, arrival.message.to);
    }
  } else {
    world_.now = event_time;
    EventQueue::Action action = world_.events.Pop();
    action();
  }
  ++steps_;
  CheckInvariants();
  if (steps_ > world_.options.max_steps) {
    world_.Fail(Status::Internal(fmt::format(
        "{} steps by {}ms of simulated time: a message storm or a busy loop ({} messages in "
        "flight, {} timers)",
        steps_, world_.now / kMillisecond, world_.network.in_flight(), world_.events.size())));
  }
  return true;
}

void SimCluster::OnLoss(const PeerId& from, const PeerId& to) {
  const SimOptions& o = world_.options;
  if (!o.connection_transport) return;
  const SimDuration delay = world_.random.Uniform(o.min_loss_detection, o.max_loss_detection);
  world_.After(delay, [this, from, to] {
    SimNode* a = FindNode(from);
    SimNode* b = FindNode(to);
    if (a != nullptr && a->alive()) a->ReportUnreachable(to);
    if (b != nullptr && b->alive()) b->ReportUnreachable(from);
  });
}

void SimCluster::CheckInvariants() {
  if (views_.size() != nodes_.size()) {
    views_.clear();
    for (const auto& n : nodes_) views_.push_back(n->View());
  } else {
    for (size_t i = 0; i < nodes_.size(); ++i) nodes_[i]->RefreshView(&views_[i]);
  }
  world_.Fail(world_.checker.CheckStep(views_));
  for (const auto& n : nodes_) {
    const auto& violation = n->store().contract_violation();
    if (violation) {
      world_.Fail(
          Status::Internal(fmt::format("{}: LogStore contract broken: {}", n->id(), *violation)));
    }
  }
}

SimNode* SimCluster::ReadyLeader() {
  SimNode* best = nullptr;
  for (auto& n : nodes_) {
    if (!n->alive() || !n->core()->leader_ready()) continue;
    if (best == nullptr || n->core()->term() > best->core()->term()) best = n.get();
  }
  return best;
}

bool SimCluster::Converged(std::string* why) {
  SimNode* leader = ReadyLeader();
  if (leader == nullptr) {
    *why = "no ready leader";
    return false;
  }
  if (!clients_->Idle()) {
    *why = "client operations in progress";
    return false;
  }
  const RaftCore& core = *leader->core();
  if (!(core.configuration() == core.committed_configuration())) {
    *why = "a configuration change is not committed";
    return false;
  }
  const LogIndex last = core.last_index();
  if (core.commit_index() != last) {
    *why = fmt::format("leader {} commit {} < last {}", leader->id(), core.commit_index().value(),
                       last.value());
    return false;
  }
  for (const PeerInfo& p : core.configuration().peers) {
    SimNode* n = FindNode(p.id);
    if (n == nullptr || !n->alive()) {
      *why = fmt::format("member {} is down", p.id);
      return false;
    }
    if (n->installing() || n->core()->commit_index() != last || n->kv().applied() != last) {
      *why = fmt::format("member {} at commit {} applied {}, leader {} at {}", p.id,
                         n->core()->commit_index().value(), n->kv().applied().value(), leader->id(),
                         last.value());
      for (const PeerProgress& pr : core.Progress()) {
        if (pr.peer.id == p.id && pr.state == PeerProgress::State::kReplicate &&
            pr.next > pr.match + 1) {
          *why += fmt::format(
              "; replication to {} looks stalled: the leader has Appends through {} in flight "
              "that {} will never acknowledge",
              p.id, (pr.next - 1).value(), p.id);
        }
      }
      return false;
    }
  }
  return true;
}

Status SimCluster::FinalChecks() {
  SimNode* leader = ReadyLeader();
  const KvState& expected = leader->kv().state();
  for (const PeerInfo& p : leader->core()->configuration().peers) {
    SimNode* n = FindNode(p.id);
    if (!(n->kv().state() == expected)) {
      return Status::Internal(
          fmt::format("final state of {} differs from the leader {}'s", p.id, leader->id()));
    }
  }
  // The state every member converged to is the applied log, replayed.
  const std::vector<AppliedEntry>& log = world_.checker.applied_log();
  KvStateMachine replay;
  for (uint64_t i = 1; i <= expected.applied.value(); ++i) {
    if (i > log.size() || log[i - 1].term == Term(0)) {
      return Status::Internal(fmt::format("index {} was never applied by any server", i));
    }
    const AppliedEntry& a = log[i - 1];
    Result<std::optional<KvApplyOutcome>> r =
        replay.Apply(Entry{a.term, LogIndex(i), a.type, a.data});
    if (!r.ok()) return r.status().WithContext("replaying the applied log");
  }
  if (!(replay.state() == expected)) {
    return Status::Internal("the converged state is not the replay of the applied log");
  }
  OZ_RETURN_IF_ERROR(clients_->CheckWrites(log));
  const std::vector<KvOperation> history = clients_->History();
  history_operations_ = history.size();
  LinearizabilityResult result = LinearizabilityChecker().Check(history);
  linearizability_configurations_ = result.configurations;
  switch (result.verdict) {
    case LinearizabilityResult::Verdict::kLinearizable:
      return Status::OK();
    case LinearizabilityResult::Verdict::kNotLinearizable:
      return Status::Internal("linearizability: the client history is not linearizable: " +
                              result.explanation);
    case LinearizabilityResult::Verdict::kUnknown:
      return Status::Internal("linearizability: the checker gave up: " + result.explanation);
  }
  return Status::OK();
}

std::string SimCluster::DescribeServers() const {
  std::string out;
  for (const auto& n : nodes_) {
    if (!n->alive()) {
      out += fmt::format("  {}: down{}\n", n->id(), n->blank() ? " (blank)" : "");
      continue;
    }
    const RaftCore& c = *n->core();
    std::string config;
    for (const PeerInfo& p : c.configuration().peers) {
      config += p.id + (p.role == PeerRole::kLearner ? "(L) " : " ");
    }
    out += fmt::format(
        "  {}: {} term {} leader {} commit {} applied {} last {} log [{}, {}] {}config {{ {}}}\n",
        n->id(), RoleName(c.role()), c.term().value(), c.leader().value_or("-"),
        c.commit_index().value(), n->kv().applied().value(), c.last_index().value(),
        n->store().FirstIndex().value(), n->store().LastIndex().value(),
        n->installing() ? "installing " : "", config);
    if (c.role() != Role::kLeader) continue;
    for (const PeerProgress& p : c.Progress()) {
      static constexpr const char* kStates[] = {"probe", "replicate", "snapshot"};
      out += fmt::format("      progress of {}: {} match {} next {} commit {}{}\n", p.peer.id,
                         kStates[static_cast<int>(p.state)], p.match.value(), p.next.value(),
                         p.commit.value(), p.recently_active ? " active" : "");
    }
  }
  return out;
}

RunStats SimCluster::stats() const {
  RunStats s;
  s.virtual_time = world_.now;
  s.steps = steps_;
  s.leaders = world_.checker.leaders().size();
  s.committed = world_.checker.max_committed();
  s.clients = clients_->stats();
  if (nemesis_) s.nemesis = nemesis_->stats();
  s.network = world_.network.stats();
  s.history_operations = history_operations_;
  s.linearizability_configurations = linearizability_configurations_;
  return s;
}

}  // namespace ozone::raft::sim
