// RaftCore log replication: Append, heartbeat and InstallSnapshot handling, proposing, commit,
// the leader's sending, and snapshots.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ha/raft/configuration_codec.h"
#include "ha/raft/core/raft_core_internal.h"

namespace ozone::raft {

using internal::FatalInvariant;

// ------------------------------------------------------------------------------------------------
// Replication messages (paper §5.3)

void RaftCore::Impl::HandleAppend(const Message& in) {
  commit_heard_ = std::max(commit_heard_, in.commit);
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
  commit_heard_ = std::max(commit_heard_, m.commit);
  // The leader caps the commit it sends at what it knows we match.
  CommitTo(std::min(m.commit, log_.LastIndex()));
  Message r;
  r.type = MessageType::kHeartbeatResponse;
  r.to = m.from;
  r.context = m.context;
  RespondOnceTermDurable(std::move(r));
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

// ------------------------------------------------------------------------------------------------
// Log and commit

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

// ------------------------------------------------------------------------------------------------
// Snapshots

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

}  // namespace ozone::raft
