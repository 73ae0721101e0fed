// RaftCore internals shared by its source files (raft_core*.cc): the Impl class every part of the
// protocol is a method of, and the helpers more than one of those files uses. Not for use outside
// src/ha/raft/core.
//
// Thread-safety: as RaftCore (not thread-safe).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ha/raft/core/config_history.h"
#include "ha/raft/core/log_view.h"
#include "ha/raft/core/progress.h"
#include "ha/raft/core/raft_core.h"

namespace ozone::raft {

namespace internal {

// Logs `what` and aborts the process: a Raft invariant is broken (a bug or corrupted state).
[[noreturn]] void FatalInvariant(const std::string& what);

}  // namespace internal

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
    bool hard_state = false;        // carries a term or vote change
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
  void StampResponse(Message& m) const;
  void Respond(Message m);  // once local state it depends on is durable
  // A response that depends only on the term (a heartbeat's): sent at once unless a term or vote
  // change is not yet durable, not held behind entries being written. A follower whose disk
  // stalls keeps answering its leader's heartbeats, so the leader's check-quorum holds.
  void RespondOnceTermDurable(Message m);
  bool TermDurable() const;
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
  // The highest commit index a leader announced to this server, not capped by its own log: a
  // candidate whose log ends before it lacks committed entries (sim seed 93092), whatever this
  // server's own, possibly older, log says.
  LogIndex commit_heard_;
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

}  // namespace ozone::raft
