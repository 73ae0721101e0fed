// RaftCore linearizable reads: ReadIndex confirmed by a heartbeat round.
#include <cstdint>
#include <iterator>
#include <utility>

#include "ha/raft/core/raft_core_internal.h"

namespace ozone::raft {

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

}  // namespace ozone::raft
