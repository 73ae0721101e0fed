// RaftCore elections: role transitions, campaigns, pre-votes and votes, leadership transfer.
#include <algorithm>
#include <optional>
#include <utility>

#include "ha/raft/core/raft_core_internal.h"

namespace ozone::raft {

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
// Votes (paper §5.2, thesis §9.6)

void RaftCore::Impl::HandleVoteRequest(const Message& m) {
  bool pre = m.type == MessageType::kPreVote;
  // A server that knows no configuration is not a member yet (or lost its disk): it has made
  // no promise about the log, so its vote must not count.
  bool member = !configs_.Current().empty();
  bool can_vote = (vote_ && *vote_ == m.from) || (!vote_ && !leader_) || (pre && m.term > term_);
  bool up_to_date = m.last_log_term > log_.LastTerm() ||
                    (m.last_log_term == log_.LastTerm() && m.last_log_index >= log_.LastIndex());
  // Every committed entry is in every future leader's log, so a candidate whose log ends before
  // a commit index a leader announced here cannot be one, even when this server's own log is
  // older still: a server wiped and re-added replays the first configurations, in which it was
  // a voter, and could otherwise elect a stale server with another (sim seed 93092).
  bool holds_commit = m.last_log_index >= std::max(commit_, commit_heard_);
  Message r;
  r.type = pre ? MessageType::kPreVoteResponse : MessageType::kVoteResponse;
  r.to = m.from;
  if (member && can_vote && up_to_date && holds_commit) {
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

void RaftCore::Impl::SendTimeoutNow(const PeerId& to) {
  Message m;
  m.type = MessageType::kTimeoutNow;
  m.to = to;
  m.term = term_;
  Send(std::move(m));
}

}  // namespace ozone::raft
