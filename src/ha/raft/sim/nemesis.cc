#include "ha/raft/sim/nemesis.h"

#include <fmt/format.h>

#include <algorithm>

namespace ozone::raft::sim {

Nemesis::Nemesis(SimWorld* world, std::vector<std::unique_ptr<SimNode>>* nodes,
                 const Configuration& founding, LogIndex bootstrap)
    : world_(world), nodes_(nodes) {
  for (const PeerInfo& p : founding.peers) added_at_[p.id] = bootstrap;
}

std::vector<SimNode*> Nemesis::Alive() {
  std::vector<SimNode*> out;
  for (auto& n : *nodes_) {
    if (n->alive()) out.push_back(n.get());
  }
  return out;
}

std::vector<PeerId> Nemesis::AllIds() const {
  std::vector<PeerId> out;
  for (const auto& n : *nodes_) out.push_back(n->id());
  return out;
}

SimNode* Nemesis::Leader() {
  SimNode* best = nullptr;
  for (SimNode* n : Alive()) {
    if (n->core()->role() != Role::kLeader || n->paused()) continue;
    if (best == nullptr || n->core()->term() > best->core()->term()) best = n;
  }
  return best;
}

void Nemesis::Start(SimTime until) {
  until_ = until;
  ScheduleNext();
}

void Nemesis::ScheduleNext() {
  const SimDuration mean = world_->options.faults.nemesis_interval;
  const SimDuration delay = world_->random.Uniform(mean / 2, mean + mean / 2);
  if (world_->now + delay >= until_) return;
  world_->After(delay, [this] {
    if (stopped_ || world_->failed()) return;
    Act();
    ScheduleNext();
  });
}

void Nemesis::Act() {
  const FaultProfile& f = world_->options.faults;
  const int weights[] = {f.crash_weight,    f.partition_weight,  f.heal_weight,
                         f.network_weight,  f.membership_weight, f.transfer_weight,
                         f.snapshot_weight, f.pause_weight};
  int total = 0;
  for (int w : weights) total += w;
  if (total == 0) return;
  int pick = static_cast<int>(world_->random.Uniform(0, total - 1));
  int action = 0;
  while (pick >= weights[action]) pick -= weights[action++];
  switch (action) {
    case 0:
      return Crash();
    case 1:
      return Partition();
    case 2:
      SIM_TRACE(world_->trace, "nemesis: heal the network");
      return world_->network.HealAll();
    case 3:
      return ChangeNetwork();
    case 4:
      return ChangeMembership();
    case 5:
      return Transfer();
    case 6:
      return Snapshot();
    case 7:
      return Pause();
  }
}

void Nemesis::Crash() {
  std::vector<SimNode*> alive = Alive();
  if (alive.empty()) return;
  // Half the crashes hit where it hurts: a server with writes not yet synced.
  std::vector<SimNode*> unsynced;
  for (SimNode* n : alive) {
    if (n->has_unsynced_writes()) unsynced.push_back(n);
  }
  SimNode* leader = Leader();
  SimNode* victim = nullptr;
  if (!unsynced.empty() && world_->random.Chance(0.5)) {
    victim = world_->random.Pick(unsynced);
  } else if (leader != nullptr && world_->random.Chance(0.3)) {
    victim = leader;
  } else {
    victim = world_->random.Pick(alive);
  }
  const SimDuration down =
      world_->random.Uniform(world_->options.faults.min_down, world_->options.faults.max_down);
  SIM_TRACE(world_->trace, "nemesis: crash {} for {}ms", victim->id(), down / kMillisecond);
  victim->Crash();
  ++stats_.crashes;
  world_->After(down, [victim] {
    if (!victim->alive() && !victim->blank()) victim->Start();
  });
}

void Nemesis::Pause() {
  std::vector<SimNode*> alive = Alive();
  if (alive.empty()) return;
  SimNode* leader = Leader();
  SimNode* victim =
      leader != nullptr && world_->random.Chance(0.5) ? leader : world_->random.Pick(alive);
  victim->Pause(
      world_->random.Uniform(world_->options.faults.min_pause, world_->options.faults.max_pause));
  ++stats_.pauses;
}

void Nemesis::Partition() {
  std::vector<PeerId> ids = AllIds();
  ++stats_.partitions;
  switch (world_->random.Uniform(0, 2)) {
    case 0: {
      SimNode* leader = Leader();
      const PeerId target =
          leader != nullptr && world_->random.Chance(0.5) ? leader->id() : world_->random.Pick(ids);
      SIM_TRACE(world_->trace, "nemesis: isolate {}", target);
      world_->network.Isolate(target, ids);
      break;
    }
    case 1: {
      for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[world_->random.Index(i)]);
      const size_t cut =
          static_cast<size_t>(world_->random.Uniform(1, static_cast<int64_t>(ids.size()) - 1));
      std::vector<PeerId> a(ids.begin(), ids.begin() + static_cast<ptrdiff_t>(cut));
      std::vector<PeerId> b(ids.begin() + static_cast<ptrdiff_t>(cut), ids.end());
      SIM_TRACE(world_->trace, "nemesis: partition {{{}}} | {{{}}}", fmt::join(a, ","),
                fmt::join(b, ","));
      world_->network.Partition({a, b});
      break;
    }
    default: {
      const int64_t cuts = world_->random.Uniform(1, static_cast<int64_t>(ids.size()));
      for (int64_t i = 0; i < cuts; ++i) {
        const PeerId& from = world_->random.Pick(ids);
        const PeerId& to = world_->random.Pick(ids);
        if (from == to) continue;
        SIM_TRACE(world_->trace, "nemesis: cut link {} -> {}", from, to);
        world_->network.CutLink(from, to);
      }
      break;
    }
  }
}

void Nemesis::ChangeNetwork() {
  NetworkFaults f = world_->options.faults.network;
  if (world_->random.Chance(0.3)) {
    f.drop_probability = 0;
    f.duplicate_probability = 0;
    f.slow_probability = 0;
  } else {
    f.drop_probability *= world_->random.UniformDouble();
    f.duplicate_probability *= world_->random.UniformDouble();
  }
  SIM_TRACE(world_->trace, "nemesis: network drop {:.3f} duplicate {:.3f} slow {:.3f}",
            f.drop_probability, f.duplicate_probability, f.slow_probability);
  world_->network.set_faults(f);
}

void Nemesis::ChangeMembership() {
  if (world_->random.Chance(0.5)) DecommissionRemoved();
  SimNode* leader = Leader();
  if (leader == nullptr) return;
  const Configuration config = leader->core()->configuration();
  const int base = world_->options.nodes;
  const size_t voters = config.VoterCount();
  const size_t min_voters = static_cast<size_t>(std::max(1, base - 1));
  const size_t max_voters = static_cast<size_t>(base + 1);
  std::vector<PeerId> learners, removable;
  for (const PeerInfo& p : config.peers) {
    if (p.role == PeerRole::kLearner) learners.push_back(p.id);
    if (p.role == PeerRole::kLearner || voters > min_voters) removable.push_back(p.id);
  }
  std::vector<SimNode*> blank;
  for (auto& n : *nodes_) {
    if (n->blank()) blank.push_back(n.get());
  }
  std::vector<int> kinds;
  if (!blank.empty()) kinds.push_back(0);
  if (!learners.empty() && voters < max_voters) kinds.push_back(1);
  if (!removable.empty()) kinds.push_back(2);
  if (kinds.empty()) return;
  ConfigChange change;
  switch (world_->random.Pick(kinds)) {
    case 0: {
      SimNode* node = world_->random.Pick(blank);
      node->Start();
      change.type = ConfigChange::Type::kAddLearner;
      change.peer = PeerInfo{node->id(), "sim:" + node->id(), PeerRole::kLearner};
      break;
    }
    case 1:
      change.type = ConfigChange::Type::kPromote;
      change.peer.id = world_->random.Pick(learners);
      break;
    default: {
      change.type = ConfigChange::Type::kRemove;
      const bool self = voters > min_voters && world_->random.Chance(0.25);
      change.peer.id = self ? leader->id() : world_->random.Pick(removable);
      break;
    }
  }
  Result<LogIndex> index = leader->ChangeMembership(change);
  if (!index.ok()) return;
  ++stats_.membership_changes;
  if (change.type == ConfigChange::Type::kAddLearner) added_at_[change.peer.id] = *index;
}

void Nemesis::DecommissionRemoved() {
  for (auto& x : *nodes_) {
    if (x->blank()) continue;
    auto added = added_at_.find(x->id());
    const LogIndex added_at = added == added_at_.end() ? LogIndex(0) : added->second;
    // Safe once a ready leader has committed past the entry that added x with a configuration
    // without x: no configuration can bring x back without a new AddLearner. (Only a ready
    // leader's committed configuration is surely the group's: a new learner's, below the entry
    // that added it, is its own empty one.)
    const SimNode* witness = nullptr;
    for (SimNode* n : Alive()) {
      const RaftCore& core = *n->core();
      if (!core.leader_ready()) continue;
      if (core.commit_index() >= added_at && !core.committed_configuration().Contains(x->id())) {
        witness = n;
        break;
      }
    }
    if (witness == nullptr) continue;
    SIM_TRACE(world_->trace,
              "nemesis: decommission removed server {} (added at {}; {} committed {} without it)",
              x->id(), added_at.value(), witness->id(), witness->core()->commit_index().value());
    if (x->alive()) x->Crash();
    x->Wipe();
    added_at_.erase(x->id());
    ++stats_.decommissions;
  }
}

void Nemesis::Transfer() {
  SimNode* leader = Leader();
  if (leader == nullptr) return;
  std::vector<PeerId> voters = leader->core()->configuration().Voters();
  std::optional<PeerId> target;
  if (!voters.empty() && !world_->random.Chance(0.3)) target = world_->random.Pick(voters);
  if (leader->TransferLeadership(target).ok()) ++stats_.transfers;
}

void Nemesis::Snapshot() {
  std::vector<SimNode*> alive = Alive();
  if (alive.empty()) return;
  SimNode* n = world_->random.Pick(alive);
  if (n->paused()) return;
  n->TakeSnapshot();
  ++stats_.snapshots;
}

void Nemesis::Stop() {
  stopped_ = true;
  world_->network.HealAll();
  NetworkFaults calm;
  calm.min_delay = world_->options.faults.network.min_delay;
  calm.max_delay = std::min(world_->options.faults.network.max_delay, 2 * kMillisecond);
  world_->network.set_faults(calm);
  SIM_TRACE(world_->trace, "nemesis: stop (network healed and calm, servers restart)");
  DecommissionRemoved();
  for (auto& n : *nodes_) {
    if (!n->alive() && !n->blank()) n->Start();
  }
}

}  // namespace ozone::raft::sim
