#include "ha/raft/sim/sim_node.h"

#include <fmt/format.h>

#include "ha/raft/configuration_codec.h"

namespace ozone::raft::sim {

namespace {

SimDuration DrawTickPeriod(SimWorld* world) {
  const double skew = world->options.max_clock_skew * (2 * world->random.UniformDouble() - 1);
  const auto period =
      static_cast<SimDuration>(static_cast<double>(world->options.tick_interval) * (1.0 + skew));
  return std::max<SimDuration>(period, 1);
}

const char* EventName(Event::Type type) {
  switch (type) {
    case Event::Type::kRoleChanged:
      return "role";
    case Event::Type::kLeaderChanged:
      return "leader";
    case Event::Type::kLeaderReady:
      return "leader-ready";
    case Event::Type::kConfigurationChanged:
      return "configuration";
    case Event::Type::kTransferFinished:
      return "transfer-finished";
    case Event::Type::kReadFailed:
      return "read-failed";
  }
  return "?";
}

std::string DescribeConfig(const Configuration& c) {
  std::string s;
  for (const PeerInfo& p : c.peers) {
    if (!s.empty()) s += ",";
    s += p.id;
    if (p.role == PeerRole::kLearner) s += "(L)";
  }
  return "{" + s + "}";
}

}  // namespace

SimNode::SimNode(PeerId id, SimWorld* world, ClientSink* clients)
    : id_(std::move(id)),
      world_(world),
      clients_(clients),
      tick_period_(DrawTickPeriod(world)),
      store_(std::make_unique<SimLogStore>()) {}

void SimNode::Bootstrap(const Configuration& config, bool as_entry) {
  blank_ = false;
  if (!as_entry) {
    store_ = std::make_unique<SimLogStore>(SnapshotMeta{LogIndex(0), Term(0), config});
    return;
  }
  store_ = std::make_unique<SimLogStore>();
  std::vector<Entry> entries{
      Entry{Term(1), LogIndex(1), EntryType::kConfig, MakePayload(EncodeConfiguration(config))}};
  NodeView view;
  view.id = id_;
  view.log = store_.get();
  Fail(world_->checker.OnAppend(view, LogIndex(0), Term(0), entries));
  Fail(store_->Append(entries));
  Fail(store_->Sync());
  Fail(store_->SaveHardState(HardState{Term(1), std::nullopt, LogIndex(0)}));
  Fail(world_->checker.OnHardStatePersisted(id_, store_->hard_state()));
}

// ------------------------------------------------------------------------------------------------
// Lifecycle

void SimNode::Start() {
  Result<StoredState> stored = store_->LoadState();
  if (!stored.ok()) return Fail(stored.status().WithContext(id_ + " LoadState"));
  InitialState initial;
  initial.stored = *stored;
  if (world_->options.sabotage == Sabotage::kForgetVote) initial.stored.hard_state.vote.reset();
  initial.applied = durable_kv_.applied;
  RaftOptions options = world_->options.raft;
  options.random_seed = world_->random.Fork() | 1;
  ++incarnation_;
  blank_ = false;
  core_ = std::make_unique<RaftCore>(id_, options, store_.get(), initial);
  kv_ = KvStateMachine(durable_kv_);
  world_->checker.OnRestart(id_, kv_.applied());
  SIM_TRACE(world_->trace,
            "{} start: term {} vote {} commit {} snapshot {} log [{}, {}] state machine at {}", id_,
            stored->hard_state.term.value(), stored->hard_state.vote.value_or("-"),
            stored->hard_state.commit.value(), stored->snapshot.index.value(),
            store_->FirstIndex().value(), store_->LastIndex().value(), kv_.applied().value());
  if (core_->applied_index() != kv_.applied()) {
    return Fail(Status::Internal(fmt::format(
        "{} restarted with its state machine at {} but the core resumes applying after {}", id_,
        kv_.applied().value(), core_->applied_index().value())));
  }
  ScheduleTick();
  RunReadyLoop();
}

void SimNode::Crash() {
  SIM_TRACE(world_->trace, "{} CRASH (loses {} unsynced appends; durable log ends at {})", id_,
            store_->unsynced_appends(), store_->DurableLastIndex().value());
  store_->Crash();
  core_.reset();
  ++incarnation_;
  unsynced_readies_.clear();
  sync_in_flight_ = false;
  install_wanted_.reset();
  fetch_in_flight_ = false;
  kv_ = KvStateMachine(durable_kv_);
  paused_until_ = 0;
  deferred_.clear();
  ForgetClientRequests();
}

void SimNode::Pause(SimDuration duration) {
  SIM_TRACE(world_->trace, "{} PAUSE for {}ms", id_, duration / kMillisecond);
  paused_until_ = std::max(paused_until_, world_->now + duration);
  world_->events.At(paused_until_, [this, incarnation = incarnation_] { Resume(incarnation); });
}

bool SimNode::DeferWhilePaused(std::function<void()> input) {
  if (!paused()) return false;
  deferred_.push_back(std::move(input));
  return true;
}

void SimNode::Resume(uint64_t incarnation) {
  if (incarnation != incarnation_ || paused()) return;  // crashed, or paused again for longer
  SIM_TRACE(world_->trace, "{} RESUME ({} inputs waited)", id_, deferred_.size());
  std::vector<std::function<void()>> inputs = std::move(deferred_);
  deferred_.clear();
  for (auto& input : inputs) {
    if (incarnation != incarnation_ || world_->failed()) return;
    input();
  }
}

void SimNode::Wipe() {
  SIM_TRACE(world_->trace, "{} WIPE (storage erased)", id_);
  store_ = std::make_unique<SimLogStore>();
  durable_kv_ = KvState{};
  kv_ = KvStateMachine();
  blank_ = true;
  world_->checker.OnWipe(id_);
}

void SimNode::ForgetClientRequests() {
  std::map<LogIndex, uint64_t> writes = std::move(pending_writes_);
  std::map<uint64_t, PendingRead> reads = std::move(pending_reads_);
  std::multimap<LogIndex, PendingRead> waiting = std::move(waiting_reads_);
  pending_writes_.clear();
  pending_reads_.clear();
  waiting_reads_.clear();
  for (const auto& [index, op] : writes) {
    clients_->OnWriteResult(id_, op, ClientSink::WriteResult::kUnknown, false);
  }
  for (const auto& [id, r] : reads) clients_->OnReadResult(id_, r.op_id, false, std::nullopt);
  for (const auto& [index, r] : waiting) {
    clients_->OnReadResult(id_, r.op_id, false, std::nullopt);
  }
}

// ------------------------------------------------------------------------------------------------
// Inputs

void SimNode::ScheduleTick() {
  const SimDuration jitter = world_->random.Uniform(0, tick_period_ / 50);
  world_->After(tick_period_ + jitter, [this, incarnation = incarnation_] { OnTick(incarnation); });
}

void SimNode::OnTick(uint64_t incarnation) {
  if (incarnation != incarnation_ || !alive()) return;
  if (DeferWhilePaused([this, incarnation] { OnTick(incarnation); })) return;
  core_->Tick();
  RunReadyLoop();
  ScheduleTick();
}

void SimNode::Receive(Message message) {
  if (paused()) {
    auto held = std::make_shared<Message>(std::move(message));
    DeferWhilePaused([this, held] { Receive(std::move(*held)); });
    return;
  }
  SIM_TRACE(world_->trace, "recv {}", DescribeMessage(message));
  core_->Step(std::move(message));
  RunReadyLoop();
}

void SimNode::ReportUnreachable(const PeerId& peer) {
  if (DeferWhilePaused([this, peer] { ReportUnreachable(peer); })) return;
  SIM_TRACE(world_->trace, "{} transport: {} unreachable", id_, peer);
  core_->ReportUnreachable(peer);
  RunReadyLoop();
}

Result<LogIndex> SimNode::ProposeWrite(const KvCommand& command) {
  if (!alive()) return Status::Unavailable(id_ + " is down");
  Result<LogIndex> index = core_->Propose(MakePayload(EncodeKvCommand(command)));
  SIM_TRACE(world_->trace, "{} propose op {} -> {}", id_, command.op_id,
            index.ok() ? fmt::format("index {}", index->value()) : index.status().ToString());
  if (index.ok()) {
    auto [it, inserted] = pending_writes_.try_emplace(*index, command.op_id);
    if (!inserted) {
      // The index was proposed before in an earlier term and the entry truncated since: that
      // proposal may still win elsewhere, so its fate is unknown here.
      clients_->OnWriteResult(id_, it->second, ClientSink::WriteResult::kUnknown, false);
      it->second = command.op_id;
    }
  }
  RunReadyLoop();
  return index;
}

Status SimNode::Read(uint64_t op_id, uint32_t key) {
  if (!alive()) return Status::Unavailable(id_ + " is down");
  const uint64_t request = next_read_request_++;
  Status s = core_->ReadIndex(request);
  SIM_TRACE(world_->trace, "{} read op {} (request {}) -> {}", id_, op_id, request, s.ToString());
  if (s.ok()) pending_reads_[request] = PendingRead{op_id, key};
  RunReadyLoop();
  return s;
}

Result<LogIndex> SimNode::ChangeMembership(const ConfigChange& change) {
  static constexpr const char* kNames[] = {"add-learner", "promote", "remove"};
  Result<LogIndex> r = core_->ProposeConfigChange(change);
  SIM_TRACE(world_->trace, "{} membership {} {} -> {}", id_, kNames[static_cast<int>(change.type)],
            change.peer.id, r.ok() ? fmt::format("index {}", r->value()) : r.status().ToString());
  RunReadyLoop();
  return r;
}

Status SimNode::TransferLeadership(std::optional<PeerId> target) {
  Status s = core_->TransferLeadership(target);
  SIM_TRACE(world_->trace, "{} transfer leadership to {} -> {}", id_, target.value_or("(best)"),
            s.ToString());
  RunReadyLoop();
  return s;
}

void SimNode::TakeSnapshot() {
  if (!alive()) return;
  const LogIndex at = kv_.applied();
  if (at <= store_->snapshot_meta().index) return;
  Result<SnapshotMeta> meta = core_->OnSnapshotTaken(at);
  if (!meta.ok()) return Fail(meta.status().WithContext(id_ + " OnSnapshotTaken"));
  if (meta->index != at) return;  // the core already has a newer one
  Fail(world_->snapshots.Add(*meta, std::make_shared<const KvState>(kv_.state())));
  Fail(store_->SaveSnapshotMeta(*meta));
  durable_kv_ = kv_.state();
  const uint64_t keep = static_cast<uint64_t>(world_->random.Uniform(0, 20));
  const LogIndex purge_to = at.value() > keep ? at - keep : LogIndex(0);
  if (purge_to >= store_->FirstIndex()) Fail(store_->Purge(purge_to));
  SIM_TRACE(world_->trace, "{} snapshot at {} (term {}, config {}); log now [{}, {}]", id_,
            at.value(), meta->term.value(), DescribeConfig(meta->config),
            store_->FirstIndex().value(), store_->LastIndex().value());
}

NodeView SimNode::View() const {
  NodeView v;
  v.id = id_;
  RefreshView(&v);
  return v;
}

void SimNode::RefreshView(NodeView* v) const {
  v->log = store_.get();
  v->alive = alive();
  if (!v->alive) return;
  v->leader = core_->role() == Role::kLeader;
  v->term = core_->term();
  v->commit = core_->commit_index();
  v->applied = kv_.applied();
  v->core_applied = core_->applied_index();
}

// ------------------------------------------------------------------------------------------------
// The Ready loop (raft_core.h)

void SimNode::RunReadyLoop() {
  int rounds = 0;
  while (core_ && core_->HasReady() && !world_->failed()) {
    if (++rounds > 10000) {
      return Fail(Status::Internal(id_ + ": HasReady() stays true after 10000 Readies"));
    }
    HandleReady(core_->TakeReady());
  }
  if (core_ && !world_->failed() &&
      kv_.applied() >= store_->snapshot_meta().index + world_->options.faults.snapshot_every) {
    TakeSnapshot();
  }
}

void SimNode::HandleReady(Ready ready) {
  if (world_->trace.enabled()) {
    SIM_TRACE(
        world_->trace, "{} ready {}: hs {} entries {} msgs {} committed {} reads {}{}", id_,
        ready.id,
        ready.hard_state
            ? fmt::format("t{}/{}/c{}", ready.hard_state->term.value(),
                          ready.hard_state->vote.value_or("-"), ready.hard_state->commit.value())
            : "-",
        ready.entries.empty()
            ? "-"
            : fmt::format("[{}..{}]t{}", ready.entries.front().index.value(),
                          ready.entries.back().index.value(), ready.entries.back().term.value()),
        ready.messages.size(),
        ready.committed.empty() ? "-"
                                : fmt::format("[{}..{}]", ready.committed.front().index.value(),
                                              ready.committed.back().index.value()),
        ready.read_states.size(),
        ready.snapshot_to_install
            ? fmt::format(" install {}/t{}", ready.snapshot_to_install->index.value(),
                          ready.snapshot_to_install->term.value())
            : "");
  }
  // 1. Messages go out at once. A send on a link that is down fails at once; other losses are
  // the transport's business (SimCluster).
  std::vector<PeerId> unreachable;
  for (Message& m : ready.messages) {
    PeerId to = m.to;
    SIM_TRACE(world_->trace, "send {}", DescribeMessage(m));
    switch (world_->network.Send(std::move(m), world_->now)) {
      case SimNetwork::SendResult::kQueued:
        break;
      case SimNetwork::SendResult::kLinkDown:
        unreachable.push_back(to);
        world_->OnLoss(id_, to);
        break;
      case SimNetwork::SendResult::kDropped:
        world_->OnLoss(id_, to);
        break;
    }
  }
  // 2. Hard state and entries are written; OnPersisted comes with the sync.
  if (ready.NeedsPersist()) Persist(ready);
  if (world_->failed()) return;
  // 3. Committed entries are applied.
  if (!ready.committed.empty()) {
    Apply(ready.committed);
    if (world_->failed()) return;
    core_->OnApplied(ready.committed.back().index);
  }
  // 4. Confirmed reads wait for the state machine to reach their index.
  for (const ReadState& rs : ready.read_states) {
    auto it = pending_reads_.find(rs.request_id);
    if (it == pending_reads_.end()) continue;
    waiting_reads_.emplace(rs.index, it->second);
    pending_reads_.erase(it);
  }
  ServeReads();
  HandleEvents(ready.events);
  // 5. A snapshot to install is fetched out of band.
  if (ready.snapshot_to_install) RequestInstall(*ready.snapshot_to_install);
  for (const PeerId& peer : unreachable) core_->ReportUnreachable(peer);
}

void SimNode::Persist(const Ready& ready) {
  if (ready.hard_state) {
    Fail(store_->SaveHardState(*ready.hard_state));
    Fail(world_->checker.OnHardStatePersisted(id_, *ready.hard_state));
  }
  if (!ready.entries.empty()) {
    const LogIndex first = ready.entries.front().index;
    const LogIndex old_last = store_->LastIndex();
    Result<Term> prev =
        first > LogIndex(0) ? store_->TermAt(first - 1) : Result<Term>(Status::NotFound("index 0"));
    if (!prev.ok()) {
      return Fail(Status::Internal(
          fmt::format("{}: Ready {} has entries from {} but the log holds [{}, {}]", id_, ready.id,
                      first.value(), store_->FirstIndex().value(), store_->LastIndex().value())));
    }
    Fail(world_->checker.OnAppend(View(), old_last, *prev, ready.entries));
    Fail(store_->Append(ready.entries));
  }
  unsynced_readies_.push_back(ready.id);
  if (!sync_in_flight_) StartSync();
  if (world_->options.sabotage == Sabotage::kAckBeforeSync) core_->OnPersisted(ready.id);
}

void SimNode::StartSync() {
  sync_in_flight_ = true;
  const uint64_t up_to = unsynced_readies_.back();
  unsynced_readies_.clear();
  const SimOptions& o = world_->options;
  const SimDuration latency = world_->random.Chance(o.slow_sync_probability)
                                  ? world_->random.Uniform(o.max_sync_latency, o.slow_sync_latency)
                                  : world_->random.Uniform(o.min_sync_latency, o.max_sync_latency);
  world_->After(latency,
                [this, incarnation = incarnation_, up_to] { FinishSync(incarnation, up_to); });
}

void SimNode::FinishSync(uint64_t incarnation, uint64_t ready_id) {
  if (incarnation != incarnation_) return;  // lost in a crash
  if (DeferWhilePaused([this, incarnation, ready_id] { FinishSync(incarnation, ready_id); })) {
    return;
  }
  Fail(store_->Sync());
  sync_in_flight_ = false;
  SIM_TRACE(world_->trace, "{} synced through ready {} (log durable to {})", id_, ready_id,
            store_->DurableLastIndex().value());
  core_->OnPersisted(ready_id);
  if (!unsynced_readies_.empty()) StartSync();
  RunReadyLoop();
}

void SimNode::Apply(const std::vector<Entry>& committed) {
  for (const Entry& e : committed) {
    Status s = world_->checker.OnApply(id_, e);
    if (!s.ok()) return Fail(s);
    Result<std::optional<KvApplyOutcome>> outcome = kv_.Apply(e);
    if (!outcome.ok()) return Fail(outcome.status().WithContext(id_ + " apply"));
    if (outcome->has_value()) clients_->OnCommandApplied(id_, e.index, **outcome);
    auto it = pending_writes_.find(e.index);
    if (it != pending_writes_.end()) {
      const uint64_t op = it->second;
      pending_writes_.erase(it);
      const bool ours = outcome->has_value() && (*outcome)->command.op_id == op;
      clients_->OnWriteResult(
          id_, op, ours ? ClientSink::WriteResult::kApplied : ClientSink::WriteResult::kReplaced,
          ours && (*outcome)->ok);
    }
  }
  if (world_->random.Chance(world_->options.faults.flush_probability)) durable_kv_ = kv_.state();
}

void SimNode::ServeReads() {
  const bool early = world_->options.sabotage == Sabotage::kServeReadsEarly;
  while (!waiting_reads_.empty() && (early || waiting_reads_.begin()->first <= kv_.applied())) {
    const PendingRead r = waiting_reads_.begin()->second;
    const LogIndex index = waiting_reads_.begin()->first;
    waiting_reads_.erase(waiting_reads_.begin());
    const std::optional<int64_t> value = kv_.Get(r.key);
    SIM_TRACE(world_->trace, "{} serves read op {} at index {} (applied {}): k{} = {}", id_,
              r.op_id, index.value(), kv_.applied().value(), r.key,
              value ? std::to_string(*value) : std::string("<absent>"));
    clients_->OnReadResult(id_, r.op_id, true, value);
  }
}

void SimNode::HandleEvents(const std::vector<Event>& events) {
  for (const Event& e : events) {
    SIM_TRACE(world_->trace, "{} event {}: role {} term {} leader {}{}", id_, EventName(e.type),
              RoleName(e.role), e.term.value(), e.leader.value_or("-"),
              e.status.ok() ? "" : " " + e.status.ToString());
    if (e.type == Event::Type::kConfigurationChanged) {
      SIM_TRACE(world_->trace, "{} configuration now {}", id_,
                DescribeConfig(core_->configuration()));
    }
    if (e.type != Event::Type::kReadFailed) continue;
    auto it = pending_reads_.find(e.request_id);
    if (it == pending_reads_.end()) continue;
    const uint64_t op = it->second.op_id;
    pending_reads_.erase(it);
    clients_->OnReadResult(id_, op, false, std::nullopt);
  }
}

// ------------------------------------------------------------------------------------------------
// Snapshot install

void SimNode::RequestInstall(const SnapshotMeta& meta) {
  SIM_TRACE(world_->trace, "{} must install snapshot {}/t{}", id_, meta.index.value(),
            meta.term.value());
  install_wanted_ = meta;
  if (!fetch_in_flight_) StartFetch();
}

void SimNode::StartFetch() {
  fetch_in_flight_ = true;
  const SimDuration latency =
      world_->random.Uniform(world_->options.min_fetch_latency, world_->options.max_fetch_latency);
  world_->After(latency, [this, incarnation = incarnation_, meta = *install_wanted_] {
    FinishFetch(incarnation, meta);
  });
}

void SimNode::FinishFetch(uint64_t incarnation, const SnapshotMeta& meta) {
  if (incarnation != incarnation_) return;
  if (DeferWhilePaused([this, incarnation, meta] { FinishFetch(incarnation, meta); })) return;
  fetch_in_flight_ = false;
  if (!install_wanted_) return;
  if (!(*install_wanted_ == meta)) return StartFetch();  // a newer one is wanted now
  if (world_->random.Chance(world_->options.faults.fetch_failure_probability)) {
    SIM_TRACE(world_->trace, "{} snapshot fetch failed; retrying", id_);
    return StartFetch();
  }
  const SnapshotRecord* record = world_->snapshots.Find(meta.index);
  if (record == nullptr) {
    return Fail(Status::Internal(
        fmt::format("{} was told to install a snapshot at index {} that no server took", id_,
                    meta.index.value())));
  }
  if (record->meta.term != meta.term || !(record->meta.config == meta.config)) {
    return Fail(Status::Internal(
        fmt::format("{} was told to install snapshot {}/t{} but the snapshot taken there is {}/t{}",
                    id_, meta.index.value(), meta.term.value(), record->meta.index.value(),
                    record->meta.term.value())));
  }
  if (meta.index <= kv_.applied()) {
    return Fail(Status::Internal(fmt::format(
        "{} was told to install a snapshot at {} but its state machine already applied {}", id_,
        meta.index.value(), kv_.applied().value())));
  }
  Fail(store_->ResetToSnapshot(meta));
  kv_.Restore(*record->state);
  durable_kv_ = *record->state;
  Fail(world_->checker.OnSnapshotInstalled(id_, meta.index));
  install_wanted_.reset();
  // Proposals at or below the snapshot were never applied here: their fate is learned elsewhere.
  while (!pending_writes_.empty() && pending_writes_.begin()->first <= meta.index) {
    const uint64_t op = pending_writes_.begin()->second;
    pending_writes_.erase(pending_writes_.begin());
    clients_->OnWriteResult(id_, op, ClientSink::WriteResult::kUnknown, false);
  }
  SIM_TRACE(world_->trace, "{} installed snapshot {}/t{} config {}", id_, meta.index.value(),
            meta.term.value(), DescribeConfig(meta.config));
  core_->OnSnapshotInstalled(meta);
  ServeReads();
  RunReadyLoop();
}

void SimNode::Fail(Status status) {
  if (!status.ok()) world_->Fail(std::move(status));
}

}  // namespace ozone::raft::sim
