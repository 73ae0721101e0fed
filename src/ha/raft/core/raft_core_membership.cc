// RaftCore membership: learner add, promote and remove, and following configuration changes.
#include <algorithm>
#include <string>

#include "ha/raft/configuration_codec.h"
#include "ha/raft/core/raft_core_internal.h"

namespace ozone::raft {

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

}  // namespace ozone::raft
