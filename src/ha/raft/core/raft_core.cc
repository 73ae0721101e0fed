// RaftCore: construction, Tick/Step dispatch, persistence and apply, Ready assembly and queries.
// The rest of the protocol is in raft_core_{election,replication,membership,reads}.cc.
#include "ha/raft/core/raft_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "ha/raft/configuration_codec.h"
#include "ha/raft/core/raft_core_internal.h"

namespace ozone::raft {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kFollower:
      return "FOLLOWER";
    case Role::kPreCandidate:
      return "PRE_CANDIDATE";
    case Role::kCandidate:
      return "CANDIDATE";
    case Role::kLeader:
      return "LEADER";
  }
  return "UNKNOWN";
}

namespace {

// Most committed entries (or bytes) handed out in one Ready.
constexpr size_t kMaxCommittedPerReady = 8192;
constexpr size_t kMaxCommittedBytesPerReady = 16 << 20;

}  // namespace

namespace internal {

[[noreturn]] void FatalInvariant(const std::string& what) {
  spdlog::critical("raft invariant broken: {}", what);
  std::abort();
}

}  // namespace internal

using internal::FatalInvariant;

// ------------------------------------------------------------------------------------------------
// Construction

namespace {
LogIndex StoreBase(const LogReader* log) { return log->FirstIndex() - 1; }
Term StoreBaseTerm(const LogReader* log) {
  auto t = log->TermAt(log->FirstIndex() - 1);
  return t.ok() ? *t : Term(0);
}
}  // namespace

RaftCore::Impl::Impl(PeerId self, const RaftOptions& options, const LogReader* log,
                     const InitialState& initial)
    : self_(std::move(self)),
      opts_(options),
      rng_(options.random_seed),
      log_(log, StoreBase(log), StoreBaseTerm(log)) {
  const StoredState& s = initial.stored;
  term_ = s.hard_state.term;
  vote_ = s.hard_state.vote;
  emitted_term_ = term_;
  emitted_vote_ = vote_;
  latest_snapshot_ = s.snapshot;

  // Configurations: the snapshot's, then every config entry after it still in the log.
  LogIndex base_index = s.snapshot.index;
  configs_.Reset(base_index, s.snapshot.config);
  for (const Entry& e : s.config_entries) {
    if (e.index <= base_index || e.index > log_.LastIndex()) continue;
    auto c = DecodeConfiguration(e.bytes());
    if (!c.ok())
      FatalInvariant("undecodable configuration entry at " + std::to_string(e.index.value()));
    configs_.Append(e.index, *c);
  }

  applied_ = std::max(initial.applied, s.snapshot.index);
  applied_ = std::min(applied_, log_.LastIndex());
  commit_ = std::min(std::max(s.hard_state.commit, applied_), log_.LastIndex());
  if (applied_ > commit_) commit_ = applied_;
  handed_ = applied_;
  prs_.Reset(configs_.Current(), log_.LastIndex() + 1);
  ResetElectionTimer();
}

// ------------------------------------------------------------------------------------------------
// Inputs

void RaftCore::Impl::Tick() {
  if (transfer_target_ && role_ != Role::kLeader) {
    // Stepped down for a transfer: wait for the new leader to show up.
    if (++transfer_elapsed_ >= opts_.election_ticks) {
      FinishTransfer(
          Status::Timeout("leadership transfer to " + *transfer_target_ + " did not complete"));
    }
  }
  if (role_ != Role::kLeader) {
    ++election_elapsed_;
    if (election_elapsed_ >= randomized_timeout_) {
      ResetElectionTimer();
      Campaign(CampaignKind::kPreElection);
    }
    return;
  }

  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= opts_.election_ticks) {
    election_elapsed_ = 0;
    if (opts_.check_quorum) {
      // Thesis §6.2: a leader that cannot reach a majority steps down.
      if (!prs_.QuorumActive(self_)) {
        spdlog::info("raft {}: no quorum heard from in term {}, stepping down", self_,
                     term_.value());
        BecomeFollower(term_, std::nullopt);
        return;
      }
      prs_.ResetRecentActive();
    }
  }
  if (transfer_target_) {
    if (++transfer_elapsed_ >= opts_.election_ticks) {
      FinishTransfer(Status::Timeout("leadership transfer to " + *transfer_target_ + " timed out"));
    }
  }
  for (auto& [id, pr] : prs_.peers()) {
    if (id == self_) continue;
    if (pr.state == PeerProgress::State::kSnapshot &&
        ++pr.snapshot_ticks >= 2 * opts_.election_ticks) {
      // No word on the snapshot: probe again (it re-sends the snapshot if still needed).
      pr.BecomeProbe();
      SendAppend(id, true);
    } else if (pr.state == PeerProgress::State::kReplicate && !pr.inflight.empty() &&
               ++pr.stall_ticks >= std::max(2, opts_.election_ticks / 2)) {
      // Appends in flight for half an election timeout without an answer: they were lost.
      // Probe from the last acknowledged index.
      pr.BecomeProbe();
      SendAppend(id, true);
    }
  }
  if (heartbeat_elapsed_ >= opts_.heartbeat_ticks) {
    heartbeat_elapsed_ = 0;
    BroadcastHeartbeat(read_rounds_.empty() ? 0 : read_rounds_.back().context);
  }
}

void RaftCore::Impl::Step(Message m) {
  if (m.to != self_ || m.from == self_ || m.from.empty()) return;

  if (m.term > term_) {
    if (m.type == MessageType::kPreVote || m.type == MessageType::kVote) {
      // Leader lease (thesis §4.2.3): a server that heard from a leader within the minimum
      // election timeout ignores campaigns, unless the leader itself asked for it (transfer).
      if (!m.transfer && InLease()) return;
    }
    if (m.type == MessageType::kPreVote) {
      // Never change term for a pre-vote.
    } else if (m.type == MessageType::kPreVoteResponse && !m.reject) {
      // Granted pre-votes carry the term we would campaign in.
    } else if (m.type == MessageType::kAppend || m.type == MessageType::kHeartbeat ||
               m.type == MessageType::kInstallSnapshot) {
      BecomeFollower(m.term, m.from);
    } else {
      BecomeFollower(m.term, std::nullopt);
    }
  } else if (m.term < term_) {
    if ((opts_.check_quorum || opts_.pre_vote) &&
        (m.type == MessageType::kAppend || m.type == MessageType::kHeartbeat)) {
      // A stale leader: tell it the current term so it steps down (it may be cut off from
      // elections by pre-vote and would otherwise never learn).
      Message r;
      r.type = MessageType::kAppendResponse;
      r.to = m.from;
      r.term = term_;
      r.reject = true;
      r.index = m.prev_log_index;
      Send(std::move(r));
    } else if (m.type == MessageType::kPreVote || m.type == MessageType::kVote) {
      // Paper Figure 2: the reply carries the current term, so a candidate of an older term
      // learns it (and steps down) instead of campaigning in vain.
      Message r;
      r.type = m.type == MessageType::kPreVote ? MessageType::kPreVoteResponse
                                               : MessageType::kVoteResponse;
      r.to = m.from;
      r.term = term_;
      r.reject = true;
      Send(std::move(r));
    }
    return;
  }

  switch (m.type) {
    case MessageType::kPreVote:
    case MessageType::kVote:
      HandleVoteRequest(m);
      return;
    case MessageType::kPreVoteResponse:
    case MessageType::kVoteResponse:
      HandleVoteResponse(m);
      return;
    default:
      break;
  }

  if (role_ == Role::kLeader) {
    switch (m.type) {
      case MessageType::kAppendResponse:
        HandleAppendResponse(m);
        break;
      case MessageType::kHeartbeatResponse:
        HandleHeartbeatResponse(m);
        break;
      case MessageType::kAppend:
      case MessageType::kHeartbeat:
      case MessageType::kInstallSnapshot:
        FatalInvariant("two leaders in term " + std::to_string(term_.value()) + ": " + self_ +
                       " and " + m.from);
      default:
        break;
    }
    return;
  }

  // Follower, pre-candidate or candidate.
  switch (m.type) {
    case MessageType::kAppend:
    case MessageType::kHeartbeat:
    case MessageType::kInstallSnapshot:
      if (role_ != Role::kFollower) BecomeFollower(m.term, m.from);
      election_elapsed_ = 0;
      SetLeader(m.from);
      if (m.type == MessageType::kAppend) {
        HandleAppend(m);
      } else if (m.type == MessageType::kHeartbeat) {
        HandleHeartbeat(m);
      } else {
        HandleInstallSnapshot(m);
      }
      break;
    case MessageType::kTimeoutNow:
      // Thesis §3.10: the leader asks us to take over now, skipping pre-vote and the lease.
      if (Promotable()) {
        spdlog::info("raft {}: leadership transfer requested by {} in term {}", self_, m.from,
                     term_.value());
        Campaign(CampaignKind::kTransfer);
      }
      break;
    default:
      break;
  }
}

// ------------------------------------------------------------------------------------------------
// Persistence, apply

void RaftCore::Impl::OnPersisted(uint64_t ready_id) {
  bool any = false;
  while (!pending_persist_.empty() && pending_persist_.front().id <= ready_id) {
    PendingPersist& p = pending_persist_.front();
    if (p.last_index > LogIndex(0)) log_.StableTo(p.last_index, p.last_term);
    for (auto& m : p.messages) msgs_.push_back(std::move(m));
    pending_persist_.pop_front();
    any = true;
  }
  if (!any || role_ != Role::kLeader) return;
  if (auto* me = prs_.Find(self_)) me->MaybeUpdate(log_.persisted_index());
  if (MaybeCommit()) AfterCommitAdvanced();
}

void RaftCore::Impl::OnApplied(LogIndex index) {
  if (index > applied_) applied_ = index;
  if (role_ == Role::kLeader && !ready_reported_ && applied_ >= noop_index_) {
    ready_reported_ = true;
    Emit(Event::Type::kLeaderReady);
  }
}

// ------------------------------------------------------------------------------------------------
// Output

void RaftCore::Impl::Send(Message m) {
  m.from = self_;
  if (m.term == Term(0)) m.term = term_;
  msgs_.push_back(std::move(m));
}

void RaftCore::Impl::StampResponse(Message& m) const {
  m.from = self_;
  if (m.term == Term(0)) m.term = term_;
  m.commit = std::max(m.commit, commit_);
}

void RaftCore::Impl::Respond(Message m) {
  StampResponse(m);
  if (HardStateDirty() || log_.HasUnhandedEntries()) {
    // Depends on state the next Ready hands out: released when that Ready is durable.
    msgs_after_persist_.push_back(std::move(m));
  } else if (!pending_persist_.empty()) {
    // Everything is handed out; wait for the last write in flight.
    pending_persist_.back().messages.push_back(std::move(m));
  } else {
    msgs_.push_back(std::move(m));
  }
}

bool RaftCore::Impl::TermDurable() const {
  if (HardStateDirty()) return false;
  for (const PendingPersist& p : pending_persist_) {
    if (p.hard_state) return false;
  }
  return true;
}

void RaftCore::Impl::RespondOnceTermDurable(Message m) {
  if (!TermDurable()) {
    Respond(std::move(m));
    return;
  }
  StampResponse(m);
  msgs_.push_back(std::move(m));
}

void RaftCore::Impl::Emit(Event::Type type, Status status) {
  Event e;
  e.type = type;
  e.term = term_;
  e.leader = leader_;
  e.role = role_;
  e.status = std::move(status);
  events_.push_back(std::move(e));
}

bool RaftCore::Impl::HasReady() const {
  if (!msgs_.empty() || !msgs_after_persist_.empty() || HardStateDirty()) return true;
  if (broadcast_pending_ || !reads_unbatched_.empty()) return true;
  if (!read_states_.empty() || !events_.empty() || snapshot_to_install_) return true;
  if (log_.HasUnhandedEntries()) return true;
  return std::min(commit_, log_.persisted_index()) > handed_;
}

Ready RaftCore::Impl::TakeReady() {
  FlushReads();
  if (broadcast_pending_ && role_ == Role::kLeader) BroadcastAppend();
  broadcast_pending_ = false;

  Ready rd;
  rd.id = next_ready_id_++;
  if (HardStateDirty()) {
    rd.hard_state = HardState{term_, vote_, commit_};
    emitted_term_ = term_;
    emitted_vote_ = vote_;
  }
  rd.entries = log_.TakeEntriesToPersist();
  if (rd.NeedsPersist()) {
    PendingPersist p;
    p.id = rd.id;
    if (!rd.entries.empty()) {
      p.last_index = rd.entries.back().index;
      p.last_term = rd.entries.back().term;
    }
    p.hard_state = rd.hard_state.has_value();
    p.messages = std::move(msgs_after_persist_);
    pending_persist_.push_back(std::move(p));
  } else if (!pending_persist_.empty()) {
    for (auto& m : msgs_after_persist_) pending_persist_.back().messages.push_back(std::move(m));
  } else {
    for (auto& m : msgs_after_persist_) msgs_.push_back(std::move(m));
  }
  msgs_after_persist_.clear();
  rd.messages = std::move(msgs_);
  msgs_.clear();

  LogIndex hi = std::min(commit_, log_.persisted_index());
  if (hi > handed_) {
    Status s = log_.Slice(handed_ + 1, hi + 1, kMaxCommittedPerReady, kMaxCommittedBytesPerReady,
                          &rd.committed);
    if (!s.ok()) {
      FatalInvariant("committed entries " + std::to_string((handed_ + 1).value()) + ".." +
                     std::to_string(hi.value()) + " unreadable: " + s.ToString());
    }
    if (!rd.committed.empty()) handed_ = rd.committed.back().index;
  }
  rd.read_states = std::move(read_states_);
  read_states_.clear();
  rd.events = std::move(events_);
  events_.clear();
  rd.snapshot_to_install = std::move(snapshot_to_install_);
  snapshot_to_install_.reset();
  return rd;
}

std::vector<PeerProgress> RaftCore::Impl::Progress() const {
  std::vector<PeerProgress> out;
  for (const auto& p : configs_.Current().peers) {
    PeerProgress pp;
    pp.peer = p;
    if (const FollowerProgress* pr = prs_.Find(p.id)) {
      pp.match = pr->match;
      pp.next = pr->next;
      pp.commit = pr->reported_commit;
      pp.recently_active = pr->recently_active;
      pp.state = pr->state;
    }
    if (p.id == self_) {
      pp.match = log_.persisted_index();
      pp.commit = commit_;
    }
    out.push_back(std::move(pp));
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// RaftCore forwarding

RaftCore::RaftCore(PeerId self, const RaftOptions& options, const LogReader* log,
                   const InitialState& initial)
    : impl_(std::make_unique<Impl>(std::move(self), options, log, initial)) {}
RaftCore::~RaftCore() = default;

void RaftCore::Tick() { impl_->Tick(); }
void RaftCore::Step(Message message) { impl_->Step(std::move(message)); }
Result<LogIndex> RaftCore::Propose(Payload data) { return impl_->Propose(std::move(data)); }
Status RaftCore::ReadIndex(uint64_t request_id) { return impl_->ReadIndex(request_id); }
Result<LogIndex> RaftCore::ProposeConfigChange(const ConfigChange& change) {
  return impl_->ProposeConfigChange(change);
}
Status RaftCore::TransferLeadership(std::optional<PeerId> target) {
  return impl_->TransferLeadership(std::move(target));
}
void RaftCore::OnPersisted(uint64_t ready_id) { impl_->OnPersisted(ready_id); }
void RaftCore::OnApplied(LogIndex index) { impl_->OnApplied(index); }
Result<SnapshotMeta> RaftCore::OnSnapshotTaken(LogIndex index) {
  return impl_->OnSnapshotTaken(index);
}
void RaftCore::OnSnapshotInstalled(const SnapshotMeta& meta) { impl_->OnSnapshotInstalled(meta); }
void RaftCore::OnSnapshotInstallFailed() { impl_->OnSnapshotInstallFailed(); }
void RaftCore::ReportUnreachable(const PeerId& peer) { impl_->ReportUnreachable(peer); }
bool RaftCore::HasReady() const { return impl_->HasReady(); }
Ready RaftCore::TakeReady() { return impl_->TakeReady(); }
const PeerId& RaftCore::id() const { return impl_->id(); }
Role RaftCore::role() const { return impl_->role(); }
Term RaftCore::term() const { return impl_->term(); }
std::optional<PeerId> RaftCore::leader() const { return impl_->leader(); }
LogIndex RaftCore::commit_index() const { return impl_->commit_index(); }
LogIndex RaftCore::applied_index() const { return impl_->applied_index(); }
LogIndex RaftCore::last_index() const { return impl_->last_index(); }
const Configuration& RaftCore::configuration() const { return impl_->configuration(); }
Configuration RaftCore::committed_configuration() const { return impl_->committed_configuration(); }
std::vector<PeerProgress> RaftCore::Progress() const { return impl_->Progress(); }
bool RaftCore::leader_ready() const { return impl_->leader_ready(); }

}  // namespace ozone::raft
