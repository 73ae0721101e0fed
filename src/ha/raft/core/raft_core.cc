#include "ha/raft/core/raft_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <deque>
#include <set>

#include "ha/raft/configuration_codec.h"
#include "ha/raft/core/config_history.h"
#include "ha/raft/core/log_view.h"
#include "ha/raft/core/progress.h"

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

[[noreturn]] void FatalInvariant(const std::string& what) {
  spdlog::critical("raft invariant broken: {}", what);
  std::abort();
}

}  // namespace

class RaftCore::Impl {
 public:
  Impl(PeerId self, const RaftOptions& options, const LogReader* log, const InitialState& initial);

  void Tick();
  void Step(Message m);
  Result<LogIndex> Propose(Payload data);
  Status ReadIndex(uint64_t request_id);
  Result<LogIndex> ProposeConfigChange(const ConfigChange& change);
  Status TransferLeadership(std::optional<PeerId> target);
  void OnPersisted(uint64_t ready_id);
  void OnApplied(LogIndex index);
  Result<SnapshotMeta> OnSnapshotTaken(LogIndex index);
  void OnSnapshotInstalled(const SnapshotMeta& meta);
  void OnSnapshotInstallFailed() {
    installing_.reset();
    snapshot_to_install_.reset();
  }
  void ReportUnreachable(const PeerId& peer);
  bool HasReady() const;
  Ready TakeReady();

  const PeerId& id() const { return self_; }
  Role role() const { return role_; }
  Term term() const { return term_; }
  std::optional<PeerId> leader() const { return leader_; }
  LogIndex commit_index() const { return commit_; }
  LogIndex applied_index() const { return applied_; }
  LogIndex last_index() const { return log_.LastIndex(); }
  const Configuration& configuration() const { return configs_.Current(); }
  Configuration committed_configuration() const { return configs_.At(commit_); }
  std::vector<PeerProgress> Progress() const;
  bool leader_ready() const { return role_ == Role::kLeader && ready_reported_; }

 private:
  struct PendingPersist {
    uint64_t id;
    LogIndex last_index;
    Term last_term;
    std::vector<Message> messages;  // released once durable
  };
  struct ReadRound {
    uint64_t context;
    LogIndex index;
    std::vector<uint64_t> request_ids;
    std::set<PeerId> acks;
  };

  // --- role transitions ---
  void BecomeFollower(Term term, std::optional<PeerId> leader);
  void BecomePreCandidate();
  void BecomeCandidate();
  void BecomeLeader();
  enum class CampaignKind { kPreElection, kElection, kTransfer };
  void Campaign(CampaignKind kind);
  void SetLeader(std::optional<PeerId> leader);
  void SetRole(Role role);
  void ResetElectionTimer();
  bool Promotable() const { return configs_.Current().IsVoter(self_); }
  bool InLease() const {
    return opts_.check_quorum && leader_.has_value() && election_elapsed_ < opts_.election_ticks;
  }

  // --- message handling ---
  void HandleVoteRequest(const Message& m);
  void HandleVoteResponse(const Message& m);
  void HandleAppend(const Message& m);
  void HandleHeartbeat(const Message& m);
  void HandleInstallSnapshot(const Message& m);
  void HandleAppendResponse(const Message& m);
  void HandleHeartbeatResponse(const Message& m);

  // --- log ---
  // Appends entries (leader: new ones; follower: from the first conflicting one), tracking
  // configuration entries.
  void AppendToLog(std::vector<Entry> entries);
  void AppendAsLeader(EntryType type, Payload data);
  bool MaybeCommit();
  void CommitTo(LogIndex index);
  void AfterCommitAdvanced();
  void OnConfigurationChanged();

  // --- leader sending ---
  bool SendAppend(const PeerId& to, bool allow_empty);
  void SendSnapshot(const PeerId& to, FollowerProgress* pr);
  void BroadcastAppend();
  void BroadcastHeartbeat(uint64_t context);
  void SendTimeoutNow(const PeerId& to);

  // --- reads ---
  void FlushReads();
  void AckRead(const PeerId& from, uint64_t context);
  void FailReads(const Status& why);

  // --- transfer ---
  void FinishTransfer(Status status);

  // --- output ---
  void Send(Message m);     // now
  void Respond(Message m);  // once local state it depends on is durable
  void Emit(Event::Type type, Status status = Status::OK());
  bool HardStateDirty() const { return term_ != emitted_term_ || vote_ != emitted_vote_; }

  PeerId self_;
  RaftOptions opts_;
  std::mt19937_64 rng_;
  LogView log_;
  ConfigHistory configs_;
  ProgressTracker prs_;

  Role role_ = Role::kFollower;
  Term term_;
  std::optional<PeerId> vote_;
  std::optional<PeerId> leader_;
  LogIndex commit_;
  LogIndex applied_;
  LogIndex handed_;  // last committed entry handed out in a Ready
  Term emitted_term_;
  std::optional<PeerId> emitted_vote_;

  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_timeout_ = 0;

  // Leader state.
  LogIndex noop_index_;
  bool ready_reported_ = false;
  std::deque<std::pair<LogIndex, size_t>> uncommitted_;
  size_t uncommitted_bytes_ = 0;
  bool broadcast_pending_ = false;

  // Leadership transfer (started here as leader; awaited after stepping down).
  std::optional<PeerId> transfer_target_;
  int transfer_elapsed_ = 0;

  // ReadIndex.
  std::vector<uint64_t> reads_waiting_noop_;
  std::vector<uint64_t> reads_unbatched_;
  std::deque<ReadRound> read_rounds_;
  uint64_t next_read_context_ = 1;

  // Snapshots.
  SnapshotMeta latest_snapshot_;  // the local state machine's latest durable snapshot
  std::optional<SnapshotMeta> installing_;
  std::optional<SnapshotMeta> snapshot_to_install_;

  // Output.
  std::vector<Message> msgs_;
  std::vector<Message> msgs_after_persist_;
  std::vector<ReadState> read_states_;
  std::vector<Event> events_;
  uint64_t next_ready_id_ = 1;
  std::deque<PendingPersist> pending_persist_;
};

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
// Role transitions

void RaftCore::Impl::ResetElectionTimer() {
  election_elapsed_ = 0;
  int base = std::max(1, opts_.election_ticks);
  randomized_timeout_ = base + static_cast<int>(rng_() % static_cast<uint64_t>(base));
}

void RaftCore::Impl::SetLeader(std::optional<PeerId> leader) {
  if (leader_ == leader) return;
  leader_ = std::move(leader);
  Emit(Event::Type::kLeaderChanged);
  if (transfer_target_ && role_ != Role::kLeader && leader_) {
    FinishTransfer(*leader_ == *transfer_target_
                       ? Status::OK()
                       : Status::Aborted("leadership went to " + *leader_ + " instead"));
  }
}

void RaftCore::Impl::SetRole(Role role) {
  if (role_ == role) return;
  bool was_leader = role_ == Role::kLeader;
  role_ = role;
  if (was_leader) {
    FailReads(Status::NotLeader("leadership lost"));
    uncommitted_.clear();
    uncommitted_bytes_ = 0;
    ready_reported_ = false;
    broadcast_pending_ = false;
  }
  Emit(Event::Type::kRoleChanged);
}

void RaftCore::Impl::BecomeFollower(Term term, std::optional<PeerId> leader) {
  if (term > term_) {
    term_ = term;
    vote_.reset();
  }
  SetRole(Role::kFollower);
  SetLeader(std::move(leader));
  ResetElectionTimer();
  heartbeat_elapsed_ = 0;
}

void RaftCore::Impl::BecomePreCandidate() {
  // Pre-vote (thesis §9.6): ask whether we could win in term_ + 1 without changing any state.
  SetRole(Role::kPreCandidate);
  SetLeader(std::nullopt);
  ResetElectionTimer();
  prs_.ResetVotes();
}

void RaftCore::Impl::BecomeCandidate() {
  term_ = term_ + 1;
  vote_ = self_;
  SetRole(Role::kCandidate);
  SetLeader(std::nullopt);
  ResetElectionTimer();
  prs_.ResetVotes();
}

void RaftCore::Impl::BecomeLeader() {
  SetRole(Role::kLeader);
  SetLeader(self_);
  heartbeat_elapsed_ = 0;
  election_elapsed_ = 0;
  ready_reported_ = false;
  transfer_target_.reset();
  prs_.Reset(configs_.Current(), log_.LastIndex() + 1);
  if (auto* me = prs_.Find(self_)) {
    me->match = log_.persisted_index();
    me->next = log_.LastIndex() + 1;
  }
  for (auto& [id, pr] : prs_.peers()) pr.recently_active = true;
  // Raft thesis §6.4 / paper §8: a no-op of the new term commits the log before this leader
  // serves; entries of earlier terms are committed by it (paper §5.4.2).
  AppendAsLeader(EntryType::kNoop, nullptr);
  noop_index_ = log_.LastIndex();
  // Reads that arrived while campaigning are not ours to answer.
  reads_waiting_noop_.clear();
}

void RaftCore::Impl::Campaign(CampaignKind kind) {
  if (!Promotable()) return;
  if (installing_) return;  // a server restoring a snapshot has no log to campaign with
  if (kind == CampaignKind::kPreElection && !opts_.pre_vote) kind = CampaignKind::kElection;
  bool pre = kind == CampaignKind::kPreElection;
  if (pre) {
    BecomePreCandidate();
  } else {
    BecomeCandidate();
  }
  Term vote_term = pre ? term_ + 1 : term_;
  prs_.RecordVote(self_, true);
  if (prs_.TallyVotes() == ProgressTracker::VoteResult::kWon) {
    // A single voter wins at once.
    if (pre) {
      Campaign(CampaignKind::kElection);
    } else {
      BecomeLeader();
    }
    return;
  }
  for (const PeerId& voter : configs_.Current().Voters()) {
    if (voter == self_) continue;
    Message m;
    m.type = pre ? MessageType::kPreVote : MessageType::kVote;
    m.to = voter;
    m.term = vote_term;
    m.last_log_index = log_.LastIndex();
    m.last_log_term = log_.LastTerm();
    m.transfer = kind == CampaignKind::kTransfer;
    if (pre) {
      Send(std::move(m));  // nothing to persist for a pre-vote
    } else {
      Respond(std::move(m));  // term and self-vote must be durable first
    }
  }
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

void RaftCore::Impl::HandleVoteRequest(const Message& m) {
  bool pre = m.type == MessageType::kPreVote;
  // A server that knows no configuration is not a member yet (or lost its disk): it has made
  // no promise about the log, so its vote must not count.
  bool member = !configs_.Current().empty();
  bool can_vote = (vote_ && *vote_ == m.from) || (!vote_ && !leader_) || (pre && m.term > term_);
  bool up_to_date = m.last_log_term > log_.LastTerm() ||
                    (m.last_log_term == log_.LastTerm() && m.last_log_index >= log_.LastIndex());
  Message r;
  r.type = pre ? MessageType::kPreVoteResponse : MessageType::kVoteResponse;
  r.to = m.from;
  if (member && can_vote && up_to_date) {
    r.term = m.term;  // for a pre-vote, the term it asked about
    r.reject = false;
    if (!pre) {
      vote_ = m.from;
      election_elapsed_ = 0;
    }
  } else {
    r.term = term_;
    r.reject = true;
  }
  if (pre) {
    Send(std::move(r));  // a pre-vote changes nothing durable
  } else {
    Respond(std::move(r));
  }
}

void RaftCore::Impl::HandleVoteResponse(const Message& m) {
  bool pre = m.type == MessageType::kPreVoteResponse;
  if (pre ? role_ != Role::kPreCandidate : role_ != Role::kCandidate) return;
  if (!m.reject && m.term != (pre ? term_ + 1 : term_)) return;  // a stale round
  prs_.RecordVote(m.from, !m.reject);
  switch (prs_.TallyVotes()) {
    case ProgressTracker::VoteResult::kWon:
      if (pre) {
        Campaign(CampaignKind::kElection);  // the real election, without another pre-vote
      } else {
        BecomeLeader();
      }
      break;
    case ProgressTracker::VoteResult::kLost:
      BecomeFollower(term_, std::nullopt);
      break;
    case ProgressTracker::VoteResult::kPending:
      break;
  }
}

void RaftCore::Impl::HandleAppend(const Message& in) {
  const Message* mp = &in;
  Message trimmed;
  if (in.prev_log_index < commit_) {
    // Everything through our commit index is known identical to the leader's log: keep only the
    // entries after it, and match them against our committed entry.
    LogIndex last_sent = in.prev_log_index + in.entries.size();
    if (last_sent <= commit_ || installing_) {
      Message r;
      r.type = MessageType::kAppendResponse;
      r.to = in.from;
      r.index = commit_;
      Respond(std::move(r));
      return;
    }
    trimmed = in;
    trimmed.entries.erase(
        trimmed.entries.begin(),
        trimmed.entries.begin() + static_cast<ptrdiff_t>(commit_ - in.prev_log_index));
    trimmed.prev_log_index = commit_;
    trimmed.prev_log_term = log_.TermOr0(commit_);
    mp = &trimmed;
  }
  const Message& m = *mp;
  Message r;
  r.type = MessageType::kAppendResponse;
  r.to = m.from;
  if (installing_) {
    // The log is about to be replaced by a snapshot: accept nothing until then.
    r.reject = true;
    r.index = m.prev_log_index;
    r.hint_index = commit_;
    r.hint_term = log_.TermOr0(commit_);
    Respond(std::move(r));
    return;
  }
  if (log_.MatchTerm(m.prev_log_index, m.prev_log_term)) {
    LogIndex last_new = m.prev_log_index + m.entries.size();
    LogIndex conflict = log_.FindConflict(m.entries);
    if (conflict != LogIndex(0)) {
      if (conflict <= commit_) {
        FatalInvariant("leader " + m.from + " overwrites committed entry " +
                       std::to_string(conflict.value()));
      }
      std::vector<Entry> fresh(
          m.entries.begin() + static_cast<ptrdiff_t>(conflict - m.entries.front().index),
          m.entries.end());
      AppendToLog(std::move(fresh));
    }
    CommitTo(std::min(m.commit, last_new));
    r.index = last_new;
    Respond(std::move(r));
    return;
  }
  // Thesis §5.3: help the leader skip back a whole term at a time.
  LogIndex hint = std::min(m.prev_log_index, log_.LastIndex());
  hint = log_.FindConflictByTerm(hint, m.prev_log_term);
  r.reject = true;
  r.index = m.prev_log_index;
  r.hint_index = hint;
  r.hint_term = log_.TermOr0(hint);
  Respond(std::move(r));
}

void RaftCore::Impl::HandleHeartbeat(const Message& m) {
  // The leader caps the commit it sends at what it knows we match.
  CommitTo(std::min(m.commit, log_.LastIndex()));
  Message r;
  r.type = MessageType::kHeartbeatResponse;
  r.to = m.from;
  r.context = m.context;
  Respond(std::move(r));
}

void RaftCore::Impl::HandleInstallSnapshot(const Message& m) {
  const SnapshotMeta& meta = m.snapshot;
  Message r;
  r.type = MessageType::kAppendResponse;
  r.to = m.from;
  if (meta.index <= commit_) {
    r.index = commit_;
    Respond(std::move(r));
    return;
  }
  if (log_.MatchTerm(meta.index, meta.term)) {
    // We already have the entry the snapshot ends with: fast-forward the commit index.
    CommitTo(meta.index);
    r.index = meta.index;
    Respond(std::move(r));
    return;
  }
  if (installing_ && installing_->index >= meta.index) return;  // already on it
  spdlog::info("raft {}: must install the snapshot of {} through index {} (term {})", self_, m.from,
               meta.index.value(), meta.term.value());
  installing_ = meta;
  snapshot_to_install_ = meta;
}

void RaftCore::Impl::HandleAppendResponse(const Message& m) {
  FollowerProgress* pr = prs_.Find(m.from);
  if (pr == nullptr) return;
  pr->recently_active = true;
  pr->reported_commit = std::max(pr->reported_commit, m.commit);
  if (m.reject) {
    if (m.index >= pr->match && m.hint_index < pr->match) {
      // The peer no longer has entries it acknowledged: its disk was wiped or replaced. Start
      // over from what it has (it will need a snapshot if the log was purged since).
      spdlog::warn("raft {}: {} lost its log (has up to {}, had acknowledged {})", self_, m.from,
                   m.hint_index.value(), pr->match.value());
      pr->match = m.hint_index;
      pr->BecomeProbe();
      SendAppend(m.from, true);
      return;
    }
    LogIndex next_probe = m.hint_index;
    if (m.hint_term > Term(0)) next_probe = log_.FindConflictByTerm(m.hint_index, m.hint_term);
    if (pr->MaybeDecrease(m.index, next_probe)) {
      if (pr->state == PeerProgress::State::kReplicate) pr->BecomeProbe();
      SendAppend(m.from, true);
    }
    return;
  }
  if (pr->MaybeUpdate(m.index)) {
    if (pr->state == PeerProgress::State::kProbe) {
      pr->BecomeReplicate();
    } else if (pr->state == PeerProgress::State::kSnapshot && pr->match + 1 >= log_.FirstIndex()) {
      pr->BecomeReplicate();
    }
    if (MaybeCommit()) AfterCommitAdvanced();
  }
  if (role_ != Role::kLeader) return;  // a committed self-removal stepped us down
  while (SendAppend(m.from, false)) {
  }
  if (transfer_target_ && *transfer_target_ == m.from && pr->match == log_.LastIndex()) {
    SendTimeoutNow(m.from);
  }
}

void RaftCore::Impl::HandleHeartbeatResponse(const Message& m) {
  FollowerProgress* pr = prs_.Find(m.from);
  if (pr == nullptr) return;
  pr->recently_active = true;
  pr->probe_sent = false;
  pr->reported_commit = std::max(pr->reported_commit, m.commit);
  if (pr->match < log_.LastIndex()) {
    SendAppend(m.from, true);
  } else if (m.commit < std::min(commit_, pr->match) &&
             pr->state != PeerProgress::State::kSnapshot) {
    // It could not commit what we told it to: it lacks entries it once had (a wiped disk).
    // Probing finds out.
    SendAppend(m.from, true);
  }
  if (m.context != 0) AckRead(m.from, m.context);
}

Result<LogIndex> RaftCore::Impl::Propose(Payload data) {
  if (role_ != Role::kLeader) return Status::NotLeader(leader_ ? *leader_ : "");
  if (transfer_target_) return Status::Busy("leadership transfer in progress");
  size_t size = data ? data->size() : 0;
  if (uncommitted_bytes_ + size > opts_.max_uncommitted_bytes && uncommitted_bytes_ > 0) {
    return Status::Busy("too many uncommitted entries");
  }
  AppendAsLeader(EntryType::kNormal, std::move(data));
  return log_.LastIndex();
}

void RaftCore::Impl::AppendAsLeader(EntryType type, Payload data) {
  Entry e;
  e.term = term_;
  e.index = log_.LastIndex() + 1;
  e.type = type;
  e.data = std::move(data);
  size_t size = e.ByteSize();
  uncommitted_.emplace_back(e.index, size);
  uncommitted_bytes_ += size;
  std::vector<Entry> batch;
  batch.push_back(std::move(e));
  AppendToLog(std::move(batch));
  if (auto* me = prs_.Find(self_)) me->next = log_.LastIndex() + 1;
  broadcast_pending_ = true;
}

void RaftCore::Impl::AppendToLog(std::vector<Entry> entries) {
  if (entries.empty()) return;
  LogIndex first = entries.front().index;
  bool config_changed = configs_.CurrentIndex() >= first;
  configs_.TruncateFrom(first);
  for (const Entry& e : entries) {
    if (e.type != EntryType::kConfig) continue;
    auto c = DecodeConfiguration(e.bytes());
    if (!c.ok()) {
      spdlog::error("raft {}: undecodable configuration entry at {}: {}", self_, e.index.value(),
                    c.status().ToString());
      continue;
    }
    configs_.Append(e.index, std::move(*c));
    config_changed = true;
  }
  log_.Append(std::move(entries));
  if (config_changed) OnConfigurationChanged();
}

void RaftCore::Impl::OnConfigurationChanged() {
  if (role_ == Role::kLeader)
    prs_.Update(configs_.Current(), log_.LastIndex() + 1);
  else
    prs_.Reset(configs_.Current(), log_.LastIndex() + 1);
  Emit(Event::Type::kConfigurationChanged);
  if (transfer_target_ && role_ == Role::kLeader &&
      !configs_.Current().IsVoter(*transfer_target_)) {
    FinishTransfer(Status::Aborted("transfer target " + *transfer_target_ + " left the group"));
  }
}

bool RaftCore::Impl::MaybeCommit() {
  if (role_ != Role::kLeader) return false;
  LogIndex q = prs_.QuorumMatch();
  // Paper §5.4.2 (Figure 8): only an entry of the current term is committed by counting
  // replicas; earlier ones are committed with it.
  if (q <= commit_ || log_.TermOr0(q) != term_) return false;
  commit_ = q;
  return true;
}

void RaftCore::Impl::CommitTo(LogIndex index) {
  // While a snapshot is being installed the log is about to be replaced: the commit index must
  // not run ahead of what the snapshot will cover.
  if (installing_) return;
  if (index > commit_) commit_ = index;
}

void RaftCore::Impl::AfterCommitAdvanced() {
  while (!uncommitted_.empty() && uncommitted_.front().first <= commit_) {
    uncommitted_bytes_ -= uncommitted_.front().second;
    uncommitted_.pop_front();
  }
  if (commit_ >= noop_index_ && !reads_waiting_noop_.empty()) {
    for (uint64_t id : reads_waiting_noop_) reads_unbatched_.push_back(id);
    reads_waiting_noop_.clear();
  }
  // Thesis §4.2.2: a leader that removed itself steps down once the change is committed.
  if (configs_.CurrentIndex() <= commit_ && !configs_.Current().IsVoter(self_)) {
    spdlog::info("raft {}: no longer a voter as of index {}, stepping down", self_,
                 configs_.CurrentIndex().value());
    // Tell the others the commit index first, so they learn the change is committed.
    BroadcastHeartbeat(0);
    BecomeFollower(term_, std::nullopt);
  }
}

// ------------------------------------------------------------------------------------------------
// Leader sending

bool RaftCore::Impl::SendAppend(const PeerId& to, bool allow_empty) {
  if (to == self_) return false;
  FollowerProgress* pr = prs_.Find(to);
  if (pr == nullptr || pr->Paused(opts_.max_inflight_appends)) return false;
  LogIndex prev = pr->next - 1;
  auto prev_term = log_.TermAt(prev);
  Message m;
  if (prev_term.ok() && pr->next >= log_.FirstIndex()) {
    Status s = log_.Slice(pr->next, log_.LastIndex() + 1, opts_.max_append_entries,
                          opts_.max_append_bytes, &m.entries);
    if (s.ok()) {
      if (m.entries.empty() && !allow_empty) return false;
      m.type = MessageType::kAppend;
      m.to = to;
      m.term = term_;
      m.prev_log_index = prev;
      m.prev_log_term = *prev_term;
      m.commit = commit_;
      size_t count = m.entries.size();
      LogIndex last = count ? m.entries.back().index : prev;
      pr->SentEntries(last, count);
      Send(std::move(m));
      return pr->state == PeerProgress::State::kReplicate && count > 0;
    }
  }
  SendSnapshot(to, pr);
  return false;
}

void RaftCore::Impl::SendSnapshot(const PeerId& to, FollowerProgress* pr) {
  if (latest_snapshot_.index == LogIndex(0)) {
    spdlog::warn("raft {}: {} needs entries the log no longer has, and there is no snapshot", self_,
                 to);
    return;
  }
  Message m;
  m.type = MessageType::kInstallSnapshot;
  m.to = to;
  m.term = term_;
  m.snapshot = latest_snapshot_;
  pr->BecomeSnapshot(latest_snapshot_.index);
  Send(std::move(m));
}

void RaftCore::Impl::BroadcastAppend() {
  for (auto& [id, pr] : prs_.peers()) {
    if (id == self_) continue;
    if (pr.state == PeerProgress::State::kProbe) {
      SendAppend(id, true);
    } else {
      while (SendAppend(id, false)) {
      }
    }
  }
}

void RaftCore::Impl::BroadcastHeartbeat(uint64_t context) {
  for (auto& [id, pr] : prs_.peers()) {
    if (id == self_) continue;
    Message m;
    m.type = MessageType::kHeartbeat;
    m.to = id;
    m.term = term_;
    m.commit = std::min(commit_, pr.match);
    m.context = context;
    Send(std::move(m));
  }
}

void RaftCore::Impl::SendTimeoutNow(const PeerId& to) {
  Message m;
  m.type = MessageType::kTimeoutNow;
  m.to = to;
  m.term = term_;
  Send(std::move(m));
}

// ------------------------------------------------------------------------------------------------
// Reads (thesis §6.4)

Status RaftCore::Impl::ReadIndex(uint64_t request_id) {
  if (role_ != Role::kLeader) return Status::NotLeader(leader_ ? *leader_ : "");
  if (commit_ < noop_index_) {
    // The commit index is only known to be current once an entry of this term committed.
    reads_waiting_noop_.push_back(request_id);
  } else {
    reads_unbatched_.push_back(request_id);
  }
  return Status::OK();
}

void RaftCore::Impl::FlushReads() {
  if (reads_unbatched_.empty() || role_ != Role::kLeader) return;
  if (configs_.Current().VoterCount() <= 1 && configs_.Current().IsVoter(self_)) {
    for (uint64_t id : reads_unbatched_) read_states_.push_back(ReadState{id, commit_});
    reads_unbatched_.clear();
    return;
  }
  ReadRound round;
  round.context = next_read_context_++;
  round.index = commit_;
  round.request_ids = std::move(reads_unbatched_);
  reads_unbatched_.clear();
  round.acks.insert(self_);
  read_rounds_.push_back(std::move(round));
  BroadcastHeartbeat(read_rounds_.back().context);
}

void RaftCore::Impl::AckRead(const PeerId& from, uint64_t context) {
  if (!configs_.Current().IsVoter(from)) return;
  for (auto it = read_rounds_.begin(); it != read_rounds_.end(); ++it) {
    if (it->context != context) continue;
    it->acks.insert(from);
    size_t voters = 0, acked = 0;
    for (const PeerId& v : configs_.Current().Voters()) {
      ++voters;
      acked += it->acks.count(v);
    }
    if (acked < voters / 2 + 1) return;
    // This round is confirmed, and so is every earlier one.
    auto end = std::next(it);
    for (auto r = read_rounds_.begin(); r != end; ++r) {
      for (uint64_t id : r->request_ids) read_states_.push_back(ReadState{id, r->index});
    }
    read_rounds_.erase(read_rounds_.begin(), end);
    return;
  }
}

void RaftCore::Impl::FailReads(const Status& why) {
  auto fail = [&](uint64_t id) {
    Event e;
    e.type = Event::Type::kReadFailed;
    e.term = term_;
    e.request_id = id;
    e.status = why;
    events_.push_back(std::move(e));
  };
  for (uint64_t id : reads_waiting_noop_) fail(id);
  for (uint64_t id : reads_unbatched_) fail(id);
  for (const auto& r : read_rounds_) {
    for (uint64_t id : r.request_ids) fail(id);
  }
  reads_waiting_noop_.clear();
  reads_unbatched_.clear();
  read_rounds_.clear();
}

// ------------------------------------------------------------------------------------------------
// Membership (thesis §4)

Result<LogIndex> RaftCore::Impl::ProposeConfigChange(const ConfigChange& change) {
  if (role_ != Role::kLeader) return Status::NotLeader(leader_ ? *leader_ : "");
  if (transfer_target_) return Status::Busy("leadership transfer in progress");
  if (configs_.CurrentIndex() > commit_) {
    return Status::FailedPrecondition("another configuration change is not yet committed");
  }
  if (commit_ < noop_index_) {
    // Thesis §4.1 (and Ongaro's 2015 erratum): a new leader must commit an entry of its term
    // before changing the configuration.
    return Status::FailedPrecondition("the leader has not committed an entry of its term yet");
  }
  Configuration next = configs_.Current();
  const PeerId& id = change.peer.id;
  auto it = std::find_if(next.peers.begin(), next.peers.end(),
                         [&](const PeerInfo& p) { return p.id == id; });
  switch (change.type) {
    case ConfigChange::Type::kAddLearner:
      if (it != next.peers.end()) return Status::AlreadyExists(id + " is already a member");
      if (id.empty()) return Status::InvalidArgument("empty peer id");
      next.peers.push_back(PeerInfo{id, change.peer.address, PeerRole::kLearner});
      break;
    case ConfigChange::Type::kPromote: {
      if (it == next.peers.end()) return Status::InvalidArgument(id + " is not a member");
      if (it->role == PeerRole::kVoter) return Status::AlreadyExists(id + " is already a voter");
      const FollowerProgress* pr = prs_.Find(id);
      LogIndex match = pr ? pr->match : LogIndex(0);
      // Caught up: it holds the configuration entry that made it a learner (so it knows it is a
      // member) and is within the allowed lag of the leader's log.
      if (match < configs_.CurrentIndex() || match + opts_.promote_max_lag < log_.LastIndex()) {
        return Status::FailedPrecondition(id + " has not caught up (match " +
                                          std::to_string(match.value()) + " of " +
                                          std::to_string(log_.LastIndex().value()) + ")");
      }
      it->role = PeerRole::kVoter;
      break;
    }
    case ConfigChange::Type::kRemove:
      if (it == next.peers.end()) return Status::InvalidArgument(id + " is not a member");
      if (it->role == PeerRole::kVoter && next.VoterCount() <= 1) {
        return Status::FailedPrecondition("cannot remove the last voter");
      }
      next.peers.erase(it);
      break;
  }
  AppendAsLeader(EntryType::kConfig, MakePayload(EncodeConfiguration(next)));
  return log_.LastIndex();
}

// ------------------------------------------------------------------------------------------------
// Leadership transfer (thesis §3.10)

Status RaftCore::Impl::TransferLeadership(std::optional<PeerId> target) {
  if (role_ != Role::kLeader) return Status::NotLeader(leader_ ? *leader_ : "");
  if (!target) {
    LogIndex best;
    for (const PeerId& v : configs_.Current().Voters()) {
      if (v == self_) continue;
      const FollowerProgress* pr = prs_.Find(v);
      if (pr && (!target || pr->match > best)) {
        target = v;
        best = pr->match;
      }
    }
    if (!target) return Status::FailedPrecondition("no other voter to transfer leadership to");
  }
  if (*target == self_) {
    Event e;
    e.type = Event::Type::kTransferFinished;
    e.term = term_;
    e.leader = self_;
    events_.push_back(std::move(e));
    return Status::OK();
  }
  if (!configs_.Current().IsVoter(*target)) {
    return Status::InvalidArgument(*target + " is not a voter of the group");
  }
  if (transfer_target_) {
    if (*transfer_target_ == *target) return Status::OK();
    FinishTransfer(Status::Aborted("superseded by a transfer to " + *target));
  }
  transfer_target_ = target;
  transfer_elapsed_ = 0;
  const FollowerProgress* pr = prs_.Find(*target);
  if (pr && pr->match == log_.LastIndex()) {
    SendTimeoutNow(*target);
  } else {
    SendAppend(*target, true);
  }
  return Status::OK();
}

void RaftCore::Impl::FinishTransfer(Status status) {
  if (!transfer_target_) return;
  Event e;
  e.type = Event::Type::kTransferFinished;
  e.term = term_;
  e.leader = leader_;
  e.status = std::move(status);
  events_.push_back(std::move(e));
  transfer_target_.reset();
  transfer_elapsed_ = 0;
}

// ------------------------------------------------------------------------------------------------
// Persistence, apply, snapshots

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

Result<SnapshotMeta> RaftCore::Impl::OnSnapshotTaken(LogIndex index) {
  if (index > applied_) {
    return Status::InvalidArgument("snapshot index " + std::to_string(index.value()) +
                                   " is beyond the applied index " +
                                   std::to_string(applied_.value()));
  }
  if (index <= latest_snapshot_.index) return latest_snapshot_;
  OZ_ASSIGN_OR_RETURN(Term t, log_.TermAt(index));
  latest_snapshot_ = SnapshotMeta{index, t, configs_.At(index)};
  return latest_snapshot_;
}

void RaftCore::Impl::OnSnapshotInstalled(const SnapshotMeta& meta) {
  spdlog::info("raft {}: installed snapshot through index {} (term {})", self_, meta.index.value(),
               meta.term.value());
  log_.ResetToSnapshot(meta.index, meta.term);
  configs_.Reset(meta.index, meta.config);
  commit_ = std::max(commit_, meta.index);
  applied_ = std::max(applied_, meta.index);
  handed_ = std::max(handed_, meta.index);
  latest_snapshot_ = meta;
  installing_.reset();
  snapshot_to_install_.reset();
  OnConfigurationChanged();
  if (leader_ && *leader_ != self_) {
    Message r;
    r.type = MessageType::kAppendResponse;
    r.to = *leader_;
    r.term = term_;
    r.index = meta.index;
    r.commit = commit_;
    Send(std::move(r));  // the reset is durable already
  }
}

void RaftCore::Impl::ReportUnreachable(const PeerId& peer) {
  if (role_ != Role::kLeader) return;
  FollowerProgress* pr = prs_.Find(peer);
  if (pr && pr->state == PeerProgress::State::kReplicate) pr->BecomeProbe();
}

// ------------------------------------------------------------------------------------------------
// Output

void RaftCore::Impl::Send(Message m) {
  m.from = self_;
  if (m.term == Term(0)) m.term = term_;
  msgs_.push_back(std::move(m));
}

void RaftCore::Impl::Respond(Message m) {
  m.from = self_;
  if (m.term == Term(0)) m.term = term_;
  m.commit = std::max(m.commit, commit_);
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
