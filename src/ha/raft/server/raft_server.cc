#include "ha/raft/server/raft_server.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <random>
#include <thread>

#include "common/latency_breakdown.h"
#include "ha/raft/configuration_codec.h"

namespace ozone::raft {

namespace {

using Clock = std::chrono::steady_clock;

// How often (in ticks) pending requests are checked for their deadline.
constexpr int kExpiryTicks = 10;

template <typename T>
std::future<T> ReadyFuture(T value) {
  std::promise<T> p;
  p.set_value(std::move(value));
  return p.get_future();
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Start and stop

RaftServer::RaftServer(RaftRuntime* runtime, GroupId group, PeerId self, LogStore* log,
                       StateMachine* state_machine, RaftServerOptions options)
    : runtime_(runtime),
      group_(std::move(group)),
      self_(std::move(self)),
      log_(log),
      sm_(state_machine),
      options_(std::move(options)) {}

Result<std::unique_ptr<RaftServer>> RaftServer::Start(RaftRuntime* runtime, GroupId group,
                                                      PeerId self, LogStore* log,
                                                      StateMachine* state_machine,
                                                      RaftServerOptions options) {
  std::unique_ptr<RaftServer> server(new RaftServer(runtime, std::move(group), std::move(self), log,
                                                    state_machine, std::move(options)));
  OZ_RETURN_IF_ERROR(server->Init());
  return server;
}

Status RaftServer::Bootstrap(LogStore* log, const Configuration& initial) {
  if (log->LastIndex() != LogIndex(0) || log->FirstIndex() != LogIndex(1)) {
    return Status::FailedPrecondition("the Raft log is not empty: the group exists already");
  }
  Entry e{Term(1), LogIndex(1), EntryType::kConfig, MakePayload(EncodeConfiguration(initial))};
  OZ_RETURN_IF_ERROR(log->Append({e}));
  OZ_RETURN_IF_ERROR(log->Sync());
  return log->SaveHardState(HardState{Term(1), std::nullopt, LogIndex(0)});
}

Status RaftServer::Init() {
  OZ_ASSIGN_OR_RETURN(StoredState stored, log_->LoadState());
  InitialState init;
  init.stored = std::move(stored);
  init.applied = sm_->LastAppliedIndex();
  if (options_.raft.random_seed == 0) options_.raft.random_seed = std::random_device()();
  if (!options_.on_fatal) {
    options_.on_fatal = [self = self_](const Status& s) {
      spdlog::critical("raft {}: cannot continue: {}", self, s.ToString());
      spdlog::shutdown();
      std::abort();
    };
  }
  core_ = std::make_unique<RaftCore>(self_, options_.raft, log_, init);
  applied_ = core_->applied_index();
  writer_ = std::make_unique<LogWriter>(log_);
  protocol_ = std::make_shared<Strand>(runtime_->pool());
  apply_ = std::make_shared<Strand>(runtime_->pool());
  for (const PeerInfo& p : options_.known_peers) addresses_[p.id] = p.address;
  for (const PeerInfo& p : core_->configuration().peers) addresses_[p.id] = p.address;
  UpdateStatus();

  GroupHandler handler;
  handler.on_messages = [this](std::vector<Message> messages) {
    DispatchProtocol([this, messages = std::move(messages)]() mutable {
      for (auto& m : messages) core_->Step(std::move(m));
      ScheduleProcessReady();
    });
  };
  handler.on_unreachable = [this](const PeerId& peer) {
    PostProtocol([this, peer] { core_->ReportUnreachable(peer); });
  };
  OZ_RETURN_IF_ERROR(runtime_->transport()->RegisterGroup(group_, std::move(handler)));
  // At most one tick waits for the protocol strand. While the strand is blocked (its inline log
  // write held up by a stalled disk), the ticks it misses are dropped: delivered afterwards as a
  // burst, ahead of the messages that arrived meanwhile, they would time out the leader's
  // check-quorum and the followers' elections although every server was there all along.
  ticker_id_ = runtime_->AddTicker([this] {
    if (tick_waiting_.exchange(true, std::memory_order_acq_rel)) return;
    PostProtocol([this] {
      tick_waiting_.store(false, std::memory_order_release);
      OnTick();
    });
  });
  spdlog::info("raft {}: started group {} at index {} (term {}, applied {})", self_, group_,
               core_->last_index().value(), core_->term().value(), applied_.value());
  return Status::OK();
}

RaftServer::~RaftServer() { Stop(); }

void RaftServer::Stop() {
  if (stopped_.exchange(true)) return;
  runtime_->RemoveTicker(ticker_id_);
  runtime_->transport()->UnregisterGroup(group_);
  if (writer_) writer_->Stop(LogWriter::StopMode::kDrain);
  // Posts between the strands stop at stopped_; drain whatever is in flight.
  for (int i = 0; i < 2; ++i) {
    if (protocol_) protocol_->Drain();
    if (apply_) apply_->Drain();
  }
  // What a follower held back for its next tick is applied as it would have been (no strand runs
  // now: the protocol strand's state is ours).
  if (apply_ && !apply_work_.empty() && !failed_) {
    apply_->Dispatch(
        [this, work = std::move(apply_work_)]() mutable { RunApplyWork(std::move(work)); },
        /*then_max=*/0);
    apply_->Drain();
    apply_work_.clear();
  }
  std::map<LogIndex, Pending> proposals;
  std::map<uint64_t, PendingRead> asked;
  std::multimap<LogIndex, PendingRead> waiting;
  std::vector<std::pair<Clock::time_point, StatusCallback>> transfers;
  {
    std::lock_guard<std::mutex> l(pending_mu_);
    proposals.swap(proposals_);
    asked.swap(reads_asked_);
    waiting.swap(reads_waiting_);
    transfers.swap(transfers_);
  }
  Status stopped = Status::Aborted("the Raft server stopped");
  for (auto& [i, p] : proposals) p.done(stopped);
  for (auto& [i, r] : asked) r.done(stopped);
  for (auto& [i, r] : waiting) r.done(stopped);
  for (auto& [t, cb] : transfers) cb(stopped);
  spdlog::info("raft {}: stopped group {}", self_, group_);
}

void RaftServer::PostProtocol(std::function<void()> task) {
  if (stopped_.load(std::memory_order_relaxed)) return;
  protocol_->Post([this, task = std::move(task)] {
    if (!failed_.load(std::memory_order_relaxed)) task();
  });
}

void RaftServer::DispatchProtocol(std::function<void()> task, int then_max) {
  if (stopped_.load(std::memory_order_relaxed)) return;
  protocol_->Dispatch(
      [this, task = std::move(task)] {
        if (!failed_.load(std::memory_order_relaxed)) task();
      },
      then_max);
}

void RaftServer::DispatchApply(std::function<void()> task) {
  if (stopped_.load(std::memory_order_relaxed)) return;
  apply_->Dispatch(
      [this, task = std::move(task)] {
        if (!failed_.load(std::memory_order_relaxed)) task();
      },
      /*then_max=*/0);
}

void RaftServer::PostApply(std::function<void()> task) {
  if (stopped_.load(std::memory_order_relaxed)) return;
  apply_->Post([this, task = std::move(task)] {
    if (!failed_.load(std::memory_order_relaxed)) task();
  });
}

void RaftServer::FailLocal(const Status& status) {
  if (failed_.exchange(true)) return;
  options_.on_fatal(status);
}

// ------------------------------------------------------------------------------------------------
// Protocol strand

void RaftServer::ScheduleProcessReady() {
  // Everything already queued on the strand (more proposals, more messages) is taken in before
  // the Ready: that is where batching comes from.
  if (process_scheduled_) return;
  process_scheduled_ = true;
  PostProtocol([this] {
    process_scheduled_ = false;
    ProcessReady();
  });
}

void RaftServer::ProcessReady() {
  bool any = false;
  while (core_->HasReady()) {
    HandleReady(core_->TakeReady());
    any = true;
  }
  // Published before the round's events are delivered: a listener that reads the status when
  // told of a change (a new configuration, a new leader) sees it.
  if (any) UpdateStatus();
  if (!MayDeferApply()) FlushApplyWork();
}

bool RaftServer::MayDeferApply() {
  if (!options_.defer_follower_apply || apply_work_urgent_ ||
      apply_work_entries_ >= options_.max_deferred_apply || core_->role() != Role::kFollower) {
    return false;
  }
  std::lock_guard<std::mutex> l(pending_mu_);
  return proposals_.empty() && reads_waiting_.empty();
}

void RaftServer::FlushApplyWork() {
  if (apply_work_.empty()) return;
  // What this round sent (a follower's acknowledgement, the leader's appends) leaves before the
  // apply below, which may run inline: the next commit does not wait for this state machine.
  runtime_->transport()->FlushHeldSends();
  // Inline when the apply strand is idle (a thread wakeup saved on the commit path).
  DispatchApply([this, work = std::move(apply_work_)]() mutable { RunApplyWork(std::move(work)); });
  apply_work_.clear();
  apply_work_entries_ = 0;
  apply_work_urgent_ = false;
}

void RaftServer::RunApplyWork(std::vector<ApplyWork> work) {
  for (ApplyWork& w : work) {
    ApplyEntries(std::move(w.committed));
    DeliverEvents(std::move(w.events));
  }
  ServeReads();
}

namespace {
// The RaftServer whose HandleReady is inside LogWriter::Persist on this thread: a callback that
// runs here ran inline (the writer was idle), on the protocol strand.
thread_local const void* t_persisting = nullptr;
}  // namespace

void RaftServer::OnTick() {
  FlushApplyWork();  // what a follower held back this tick
  core_->Tick();
  if (++ticks_ % kExpiryTicks == 0) ExpireRequests();
  ScheduleProcessReady();
}

void RaftServer::HandleReady(Ready rd) {
  // The latency probe's marks (off: the test of a flag, nothing else on this path).
  const bool probe = LatencyProbeOn() && !rd.entries.empty() && core_->role() == Role::kLeader;
  if (probe) ProbeMark(WriteStage::kReadyTaken);
  for (auto& m : rd.messages) SendMessage(std::move(m));
  if (probe) ProbeMark(WriteStage::kAppendsSent);

  if (rd.NeedsPersist()) {
    uint64_t id = rd.id;
    // Isolated entries (everything before them is committed: one proposal at a time, or a
    // follower holding the only append in flight) are made durable on this thread if the writer
    // is idle: no thread wakeup on the commit path. Otherwise more is in the pipeline: the writer
    // thread syncs while this strand goes on, and what it submits meanwhile shares the next sync.
    const bool isolated =
        rd.entries.empty() || rd.entries.front().index <= core_->commit_index() + 1;
    // A sync on this thread blocks it: what the transport holds for the end of the message
    // handler this round runs in (the leader's appends just sent) leaves first, so the followers
    // write in parallel with the leader instead of after it.
    if (isolated) runtime_->transport()->FlushHeldSends();
    if (probe) ProbeMark(WriteStage::kSendsFlushed);
    t_persisting = this;
    Status s = writer_->Persist(
        std::move(rd.hard_state), std::move(rd.entries),
        [this, id](const Status& st) {
          if (!st.ok()) {
            FailLocal(st.WithContext("raft log write"));
            return;
          }
          if (t_persisting == this) {  // inline, on the protocol strand: acknowledged below
            persisted_here_ = id;
            return;
          }
          DispatchProtocol([this, id] {
            core_->OnPersisted(id);
            ScheduleProcessReady();
          });
        },
        isolated ? LogWriter::Lead::kIfIdle : LogWriter::Lead::kWriterThread);
    t_persisting = nullptr;
    if (!s.ok() && !stopped_) FailLocal(s.WithContext("raft log writer"));
    if (persisted_here_) {
      if (probe) ProbeMark(WriteStage::kPersisted);
      // The next Ready of this round carries what the durability releases.
      core_->OnPersisted(*persisted_here_);
      persisted_here_.reset();
    }
  }

  if (!rd.read_states.empty()) {
    std::lock_guard<std::mutex> l(pending_mu_);
    for (const ReadState& r : rd.read_states) {
      auto it = reads_asked_.find(r.request_id);
      if (it == reads_asked_.end()) continue;
      reads_waiting_.emplace(r.index, std::move(it->second));
      reads_asked_.erase(it);
    }
  }
  std::vector<StatusCallback> finished_reads;
  std::vector<std::pair<StatusCallback, Status>> finished_transfers;
  bool config_changed = false;
  for (const Event& e : rd.events) {
    switch (e.type) {
      case Event::Type::kReadFailed: {
        std::lock_guard<std::mutex> l(pending_mu_);
        auto it = reads_asked_.find(e.request_id);
        if (it != reads_asked_.end()) {
          finished_reads.push_back(std::move(it->second.done));
          reads_asked_.erase(it);
        }
        break;
      }
      case Event::Type::kTransferFinished: {
        std::lock_guard<std::mutex> l(pending_mu_);
        for (auto& [deadline, cb] : transfers_)
          finished_transfers.emplace_back(std::move(cb), e.status);
        transfers_.clear();
        break;
      }
      case Event::Type::kConfigurationChanged:
        config_changed = true;
        break;
      case Event::Type::kLeaderChanged:
        if (e.leader) {
          spdlog::info("raft {}: group {} leader is now {} (term {})", self_, group_, *e.leader,
                       e.term.value());
        }
        break;
      default:
        break;
    }
  }
  for (auto& cb : finished_reads) cb(Status::NotLeader(NotLeaderMessage()));
  for (auto& [cb, st] : finished_transfers) cb(st);
  if (config_changed) {
    for (const PeerInfo& p : core_->configuration().peers) addresses_[p.id] = p.address;
  }

  if (LatencyProbeOn() && !rd.committed.empty() && core_->role() == Role::kLeader) {
    ProbeMark(WriteStage::kCommitted);
  }
  if (!rd.committed.empty() || !rd.events.empty() || !rd.read_states.empty()) {
    apply_work_entries_ += rd.committed.size();
    if (!rd.events.empty() || !rd.read_states.empty()) apply_work_urgent_ = true;
    apply_work_.push_back(ApplyWork{std::move(rd.committed), std::move(rd.events)});
  }
  if (rd.snapshot_to_install) {
    FlushApplyWork();  // what was committed before is applied before the state is replaced
    StartSnapshotInstall(*rd.snapshot_to_install);
  }
}

void RaftServer::SendMessage(Message m) {
  std::string address = AddressOf(m.to);
  if (address.empty()) {
    spdlog::debug("raft {}: no address for {}, dropping {}", self_, m.to, MessageTypeName(m.type));
    return;
  }
  runtime_->transport()->Send(group_, address, std::move(m));
}

std::string RaftServer::AddressOf(const PeerId& peer) const {
  auto it = addresses_.find(peer);
  return it == addresses_.end() ? std::string() : it->second;
}

void RaftServer::UpdateStatus() {
  RaftStatus st;
  st.self = self_;
  st.group = group_;
  st.role = core_->role();
  st.term = core_->term();
  st.leader = core_->leader();
  st.leader_ready = core_->leader_ready();
  st.commit = core_->commit_index();
  st.applied = core_->applied_index();
  st.last_index = core_->last_index();
  st.configuration = core_->configuration();
  for (const PeerProgress& p : core_->Progress()) {
    PeerStatus ps;
    ps.peer = p.peer;
    if (p.peer.role == PeerRole::kLearner) {
      ps.role = "LEARNER";
    } else if (st.leader && *st.leader == p.peer.id) {
      ps.role = "LEADER";
    } else if (p.peer.id == self_ && st.role == Role::kCandidate) {
      ps.role = "CANDIDATE";
    } else {
      ps.role = "FOLLOWER";
    }
    ps.term = st.term;
    ps.match = p.match;
    ps.commit = p.commit;
    if (p.peer.id == self_) ps.applied = st.applied;
    st.peers.push_back(std::move(ps));
  }
  std::lock_guard<std::mutex> l(status_mu_);
  status_ = std::move(st);
}

void RaftServer::ExpireRequests() {
  auto now = Clock::now();
  std::vector<ProposeCallback> proposals;
  std::vector<StatusCallback> others;
  {
    std::lock_guard<std::mutex> l(pending_mu_);
    for (auto it = proposals_.begin(); it != proposals_.end();) {
      if (it->second.deadline <= now) {
        proposals.push_back(std::move(it->second.done));
        it = proposals_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = reads_asked_.begin(); it != reads_asked_.end();) {
      if (it->second.deadline <= now) {
        others.push_back(std::move(it->second.done));
        it = reads_asked_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = reads_waiting_.begin(); it != reads_waiting_.end();) {
      if (it->second.deadline <= now) {
        others.push_back(std::move(it->second.done));
        it = reads_waiting_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = transfers_.begin(); it != transfers_.end();) {
      if (it->first <= now) {
        others.push_back(std::move(it->second));
        it = transfers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  Status timeout = Status::Timeout("the request did not complete within " +
                                   std::to_string(options_.request_timeout.count()) + " ms");
  for (auto& cb : proposals) cb(timeout);
  for (auto& cb : others) cb(timeout);
}

void RaftServer::StartSnapshotInstall(const SnapshotMeta& meta) {
  std::optional<PeerInfo> leader = LeaderInfo();
  if (!leader) {
    core_->OnSnapshotInstallFailed();
    return;
  }
  // On the apply strand: every committed entry handed out before is applied first, and no
  // entry is applied while the state is replaced.
  PostApply([this, meta, leader = *leader] {
    installing_ = true;
    spdlog::info("raft {}: installing the snapshot of {} through index {}", self_, leader.id,
                 meta.index.value());
    Status s = sm_->InstallSnapshot(meta, leader);
    installing_ = false;
    if (!s.ok()) {
      spdlog::warn("raft {}: installing the snapshot through {} failed: {}", self_,
                   meta.index.value(), s.ToString());
      PostProtocol([this] { core_->OnSnapshotInstallFailed(); });
      return;
    }
    {
      std::lock_guard<std::mutex> l(pending_mu_);
      applied_ = meta.index;
    }
    applied_since_snapshot_ = 0;
    Status w = writer_->ResetToSnapshot(meta, [this, meta](const Status& st) {
      if (!st.ok()) {
        FailLocal(st.WithContext("raft log reset to a snapshot"));
        return;
      }
      PostProtocol([this, meta] {
        core_->OnSnapshotInstalled(meta);
        for (const PeerInfo& p : meta.config.peers) addresses_[p.id] = p.address;
        ScheduleProcessReady();
      });
    });
    if (!w.ok() && !stopped_) FailLocal(w);
  });
}

// ------------------------------------------------------------------------------------------------
// Public API

std::string RaftServer::NotLeaderMessage() const {
  std::optional<PeerInfo> leader = LeaderInfo();
  if (!leader) return self_ + " is not the leader. No leader is known.";
  return self_ + " is not the leader. Suggested leader is " + leader->id + "[" + leader->address +
         "].";
}

void RaftServer::ProposeAsync(std::string command, ProposeCallback done) {
  if (stopped_) {
    done(Status::Aborted("the Raft server stopped"));
    return;
  }
  // The proposal is taken in on the caller's thread when the strand is idle. With others in
  // flight, the Ready it causes is left to the pool, so that proposals arriving meanwhile join the
  // same batch; alone, this thread goes on with what follows (its own persistence ack, answers
  // that arrived meanwhile) rather than waking a pool thread for it.
  bool alone_hint;
  {
    std::lock_guard<std::mutex> l(pending_mu_);
    alone_hint = proposals_.empty();
  }
  DispatchProtocol(
      [this, command = std::move(command), done = std::move(done)]() mutable {
        ProbeMark(WriteStage::kProposalTaken);
        Result<LogIndex> index = core_->Propose(MakePayload(std::move(command)));
        if (!index.ok()) {
          done(index.status().IsNotLeader() ? Status::NotLeader(NotLeaderMessage())
                                            : index.status());
          return;
        }
        bool alone;
        {
          std::lock_guard<std::mutex> l(pending_mu_);
          proposals_[*index] =
              Pending{core_->term(), std::move(done), Clock::now() + options_.request_timeout};
          alone = proposals_.size() == 1;
        }
        if (alone && !process_scheduled_) {
          // Nothing else in flight: latency matters more than batching, go on at once.
          ProcessReady();
        } else {
          ScheduleProcessReady();
        }
      },
      /*then_max=*/alone_hint ? 16 : 0);
}

std::future<Result<std::string>> RaftServer::Propose(std::string command) {
  auto p = std::make_shared<std::promise<Result<std::string>>>();
  auto f = p->get_future();
  ProposeAsync(std::move(command), [p](Result<std::string> r) { p->set_value(std::move(r)); });
  return f;
}

void RaftServer::ReadIndexAsync(StatusCallback done) {
  if (stopped_) {
    done(Status::Aborted("the Raft server stopped"));
    return;
  }
  PostProtocol([this, done = std::move(done)]() mutable {
    uint64_t id;
    {
      std::lock_guard<std::mutex> l(pending_mu_);
      id = next_read_id_++;
    }
    Status s = core_->ReadIndex(id);
    if (!s.ok()) {
      done(s.IsNotLeader() ? Status::NotLeader(NotLeaderMessage()) : s);
      return;
    }
    {
      std::lock_guard<std::mutex> l(pending_mu_);
      reads_asked_[id] = PendingRead{std::move(done), Clock::now() + options_.request_timeout};
    }
    ScheduleProcessReady();
  });
}

std::future<Status> RaftServer::ReadIndex() {
  auto p = std::make_shared<std::promise<Status>>();
  auto f = p->get_future();
  ReadIndexAsync([p](Status s) { p->set_value(std::move(s)); });
  return f;
}

std::future<Status> RaftServer::TransferLeadership(std::optional<PeerId> target) {
  if (stopped_) return ReadyFuture(Status::Aborted("the Raft server stopped"));
  auto p = std::make_shared<std::promise<Status>>();
  auto f = p->get_future();
  PostProtocol([this, target, p] {
    Status s = core_->TransferLeadership(target);
    if (!s.ok()) {
      p->set_value(s.IsNotLeader() ? Status::NotLeader(NotLeaderMessage()) : s);
      return;
    }
    if (target && *target == self_) {
      p->set_value(Status::OK());
      return;
    }
    {
      std::lock_guard<std::mutex> l(pending_mu_);
      transfers_.emplace_back(Clock::now() + options_.request_timeout,
                              [p](Status st) { p->set_value(std::move(st)); });
    }
    ScheduleProcessReady();
  });
  return f;
}

std::future<Status> RaftServer::ChangeConfig(ConfigChange change) {
  if (stopped_) return ReadyFuture(Status::Aborted("the Raft server stopped"));
  auto p = std::make_shared<std::promise<Status>>();
  auto f = p->get_future();
  PostProtocol([this, change, p] {
    Result<LogIndex> index = core_->ProposeConfigChange(change);
    if (!index.ok()) {
      p->set_value(index.status().IsNotLeader() ? Status::NotLeader(NotLeaderMessage())
                                                : index.status());
      return;
    }
    {
      std::lock_guard<std::mutex> l(pending_mu_);
      proposals_[*index] =
          Pending{core_->term(),
                  [p](Result<std::string> r) { p->set_value(r.ok() ? Status::OK() : r.status()); },
                  Clock::now() + options_.request_timeout};
    }
    ScheduleProcessReady();
  });
  return f;
}

std::future<Status> RaftServer::AddLearner(PeerInfo peer) {
  peer.role = PeerRole::kLearner;
  return ChangeConfig(ConfigChange{ConfigChange::Type::kAddLearner, std::move(peer)});
}

std::future<Status> RaftServer::Promote(PeerId peer) {
  return ChangeConfig(
      ConfigChange{ConfigChange::Type::kPromote, PeerInfo{std::move(peer), "", {}}});
}

std::future<Status> RaftServer::Remove(PeerId peer) {
  return ChangeConfig(ConfigChange{ConfigChange::Type::kRemove, PeerInfo{std::move(peer), "", {}}});
}

Status RaftServer::AddVoter(const PeerInfo& peer, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  RaftStatus st = GetStatus();
  const PeerInfo* existing = st.configuration.Find(peer.id);
  if (existing == nullptr) {
    Status added = AddLearner(peer).get();
    if (!added.ok() && !added.IsAlreadyExists()) return added;
  } else if (existing->role == PeerRole::kVoter) {
    return Status::OK();
  }
  // Thesis §4.2.1: promote once the learner has caught up.
  while (true) {
    Status promoted = Promote(peer.id).get();
    if (promoted.ok() || promoted.IsAlreadyExists()) return Status::OK();
    if (promoted.code() != Status::Code::kFailedPrecondition || Clock::now() >= deadline) {
      return promoted;
    }
    std::this_thread::sleep_for(runtime_->tick_interval());
  }
}

RaftStatus RaftServer::GetStatus() const {
  std::lock_guard<std::mutex> l(status_mu_);
  return status_;
}

std::optional<PeerInfo> RaftServer::LeaderInfo() const {
  std::lock_guard<std::mutex> l(status_mu_);
  if (!status_.leader) return std::nullopt;
  if (const PeerInfo* p = status_.configuration.Find(*status_.leader)) return *p;
  for (const PeerInfo& p : options_.known_peers) {
    if (p.id == *status_.leader) return p;
  }
  return PeerInfo{*status_.leader, "", PeerRole::kVoter};
}

bool RaftServer::IsLeader() const {
  std::lock_guard<std::mutex> l(status_mu_);
  return status_.role == Role::kLeader;
}

bool RaftServer::IsLeaderReady() const {
  std::lock_guard<std::mutex> l(status_mu_);
  return status_.role == Role::kLeader && status_.leader_ready;
}

}  // namespace ozone::raft
