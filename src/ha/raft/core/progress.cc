#include "ha/raft/core/progress.h"

#include <algorithm>

namespace ozone::raft {

void FollowerProgress::BecomeProbe() {
  if (state == PeerProgress::State::kSnapshot) {
    next = std::max(match + 1, pending_snapshot + 1);
  } else {
    next = match + 1;
  }
  state = PeerProgress::State::kProbe;
  probe_sent = false;
  inflight.clear();
  pending_snapshot = LogIndex(0);
  stall_ticks = 0;
}

void FollowerProgress::BecomeReplicate() {
  state = PeerProgress::State::kReplicate;
  next = match + 1;
  probe_sent = false;
  inflight.clear();
  stall_ticks = 0;
}

void FollowerProgress::BecomeSnapshot(LogIndex snapshot_index) {
  state = PeerProgress::State::kSnapshot;
  pending_snapshot = snapshot_index;
  snapshot_ticks = 0;
  probe_sent = false;
  inflight.clear();
}

bool FollowerProgress::MaybeUpdate(LogIndex index) {
  bool updated = false;
  if (index > match) {
    match = index;
    updated = true;
    probe_sent = false;
    stall_ticks = 0;
  }
  if (next < index + 1) next = index + 1;
  while (!inflight.empty() && inflight.front() <= index) inflight.pop_front();
  return updated;
}

bool FollowerProgress::MaybeDecrease(LogIndex rejected, LogIndex hint) {
  if (state == PeerProgress::State::kReplicate) {
    // In pipelining, rejections of Appends sent before an earlier success are stale.
    if (rejected <= match) return false;
    next = match + 1;
    return true;
  }
  // kProbe: only the rejection of the Append we sent (prev == next - 1) counts.
  if (next - 1 != rejected) return false;
  next = std::max(std::min(rejected, hint + 1), match + 1);
  if (next < LogIndex(1)) next = LogIndex(1);
  probe_sent = false;
  return true;
}

void FollowerProgress::SentEntries(LogIndex last, size_t count) {
  if (state == PeerProgress::State::kReplicate) {
    if (count > 0) {
      next = last + 1;
      inflight.push_back(last);
    }
  } else if (state == PeerProgress::State::kProbe) {
    probe_sent = true;
  }
}

bool FollowerProgress::Paused(size_t max_inflight) const {
  switch (state) {
    case PeerProgress::State::kProbe:
      return probe_sent;
    case PeerProgress::State::kReplicate:
      return inflight.size() >= max_inflight;
    case PeerProgress::State::kSnapshot:
      return true;
  }
  return true;
}

void ProgressTracker::Reset(const Configuration& config, LogIndex next) {
  peers_.clear();
  votes_.clear();
  Update(config, next);
}

void ProgressTracker::Update(const Configuration& config, LogIndex next) {
  config_ = config;
  std::map<PeerId, FollowerProgress> kept;
  for (const auto& p : config.peers) {
    auto it = peers_.find(p.id);
    if (it != peers_.end()) {
      kept.emplace(p.id, std::move(it->second));
    } else {
      FollowerProgress pr;
      pr.next = next;
      pr.recently_active = true;  // a new peer gets one check-quorum round of grace
      kept.emplace(p.id, std::move(pr));
    }
  }
  peers_ = std::move(kept);
}

FollowerProgress* ProgressTracker::Find(const PeerId& id) {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : &it->second;
}

const FollowerProgress* ProgressTracker::Find(const PeerId& id) const {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : &it->second;
}

LogIndex ProgressTracker::QuorumMatch() const {
  std::vector<LogIndex> matches;
  for (const auto& p : config_.peers) {
    if (p.role != PeerRole::kVoter) continue;
    const FollowerProgress* pr = Find(p.id);
    matches.push_back(pr ? pr->match : LogIndex(0));
  }
  if (matches.empty()) return LogIndex(0);
  std::sort(matches.begin(), matches.end());
  // With n voters a quorum is n/2+1: the (n - quorum)-th smallest match is on a quorum.
  size_t quorum = matches.size() / 2 + 1;
  return matches[matches.size() - quorum];
}

bool ProgressTracker::QuorumActive(const PeerId& self) const {
  size_t voters = 0, active = 0;
  for (const auto& p : config_.peers) {
    if (p.role != PeerRole::kVoter) continue;
    ++voters;
    const FollowerProgress* pr = Find(p.id);
    if (p.id == self || (pr && pr->recently_active)) ++active;
  }
  return voters == 0 || active >= voters / 2 + 1;
}

void ProgressTracker::ResetRecentActive() {
  for (auto& [id, pr] : peers_) pr.recently_active = false;
}

ProgressTracker::VoteResult ProgressTracker::TallyVotes() const {
  size_t voters = 0, granted = 0, rejected = 0;
  for (const auto& p : config_.peers) {
    if (p.role != PeerRole::kVoter) continue;
    ++voters;
    auto it = votes_.find(p.id);
    if (it == votes_.end()) continue;
    (it->second ? granted : rejected)++;
  }
  size_t quorum = voters / 2 + 1;
  if (granted >= quorum) return VoteResult::kWon;
  if (rejected > voters - quorum) return VoteResult::kLost;
  return VoteResult::kPending;
}

}  // namespace ozone::raft
