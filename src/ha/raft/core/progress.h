// FollowerProgress: what a leader knows of one peer's log, and how it sends to it (etcd's model):
//   kProbe      one Append in flight until an answer, to find where the logs match;
//   kReplicate  pipelined Appends, at most `max_inflight` unacknowledged;
//   kSnapshot   the peer must install a snapshot; only heartbeats until it reports.
// ProgressTracker keeps one FollowerProgress per peer of the configuration and answers quorum
// questions (commit index, votes, recent activity) over the voters.
//
// Thread-safety: not thread-safe; owned by RaftCore.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "ha/raft/core/raft_core.h"
#include "ha/raft/types.h"

namespace ozone::raft {

struct FollowerProgress {
  PeerProgress::State state = PeerProgress::State::kProbe;
  LogIndex match;
  LogIndex next;
  LogIndex reported_commit;
  // kProbe: an Append is in flight; no more until an answer or a heartbeat response.
  bool probe_sent = false;
  // kReplicate: last index of each Append in flight, oldest first.
  std::deque<LogIndex> inflight;
  // kSnapshot: the snapshot index the peer was told to install, and ticks since.
  LogIndex pending_snapshot;
  int snapshot_ticks = 0;
  // Heard from since the last check-quorum round.
  bool recently_active = false;
  // kReplicate: ticks with Appends in flight and no acknowledgement (lost messages).
  int stall_ticks = 0;

  void BecomeProbe();
  void BecomeReplicate();
  void BecomeSnapshot(LogIndex snapshot_index);
  // The peer acknowledged `index`: returns true if that is news (match advanced).
  bool MaybeUpdate(LogIndex index);
  // A rejection of an Append whose prev was `rejected`; `hint` is where to try next. Returns false
  // for a stale rejection (already past it).
  bool MaybeDecrease(LogIndex rejected, LogIndex hint);
  // Records an Append ending at `last` sent in kReplicate.
  void SentEntries(LogIndex last, size_t count);
  bool Paused(size_t max_inflight) const;
};

class ProgressTracker {
 public:
  // Rebuilds the peer set from `config`, keeping what is known of peers that stay. New peers
  // start probing at `next`. `self` is tracked like any peer.
  void Reset(const Configuration& config, LogIndex next);
  void Update(const Configuration& config, LogIndex next);

  FollowerProgress* Find(const PeerId& id);
  const FollowerProgress* Find(const PeerId& id) const;
  std::map<PeerId, FollowerProgress>& peers() { return peers_; }
  const std::map<PeerId, FollowerProgress>& peers() const { return peers_; }
  const Configuration& config() const { return config_; }

  // The highest index replicated on a majority of voters (by match).
  LogIndex QuorumMatch() const;
  bool QuorumActive(const PeerId& self) const;
  void ResetRecentActive();

  // Votes of the current election.
  void ResetVotes() { votes_.clear(); }
  void RecordVote(const PeerId& id, bool granted) { votes_.emplace(id, granted); }
  enum class VoteResult { kPending, kWon, kLost };
  VoteResult TallyVotes() const;

 private:
  Configuration config_;
  std::map<PeerId, FollowerProgress> peers_;
  std::map<PeerId, bool> votes_;
};

}  // namespace ozone::raft
