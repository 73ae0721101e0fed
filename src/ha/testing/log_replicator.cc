#include "ha/testing/log_replicator.h"

#include <algorithm>

namespace ozone::ha::testing {

LogReplicator::LogReplicator(raft::StateMachine* leader) : leader_(leader) {}

Result<std::string> LogReplicator::AppendLocked(raft::EntryType type, std::string bytes) {
  LogIndex index(log_.size() + 1);
  raft::Entry entry{term_, index, type,
                    bytes.empty() ? nullptr : raft::MakePayload(std::move(bytes))};
  log_.push_back(entry);
  return leader_->Apply(entry);
}

Result<std::string> LogReplicator::Submit(std::string request) {
  std::lock_guard<std::mutex> l(mu_);
  if (!is_leader_) {
    if (leader_hint_.empty()) return Status::NotLeader("not the leader. No leader is known.");
    return Status::NotLeader("not the leader. Suggested leader is " + leader_hint_ + ".");
  }
  return AppendLocked(raft::EntryType::kNormal, std::move(request));
}

void LogReplicator::SetLeader(bool leader, std::string leader_hint) {
  std::lock_guard<std::mutex> l(mu_);
  is_leader_ = leader;
  leader_hint_ = std::move(leader_hint);
}

Status LogReplicator::CatchUp(raft::StateMachine* sm, LogIndex after) {
  std::vector<raft::Entry> entries;
  {
    std::lock_guard<std::mutex> l(mu_);
    entries = log_;
  }
  LogIndex from = std::max(after, sm->LastAppliedIndex());
  for (const raft::Entry& entry : entries) {
    if (entry.index <= from) continue;
    Result<std::string> r = sm->Apply(entry);
    if (!r.ok()) return r.status();
  }
  return Status::OK();
}

Status LogReplicator::Failover(raft::StateMachine* next) {
  OZ_RETURN_IF_ERROR(CatchUp(next));
  std::lock_guard<std::mutex> l(mu_);
  leader_ = next;
  term_ = term_ + 1;
  is_leader_ = true;
  Result<std::string> r = AppendLocked(raft::EntryType::kNoop, "");
  return r.ok() ? Status::OK() : r.status();
}

std::vector<raft::Entry> LogReplicator::entries() const {
  std::lock_guard<std::mutex> l(mu_);
  return log_;
}

LogIndex LogReplicator::last_index() const {
  std::lock_guard<std::mutex> l(mu_);
  return LogIndex(log_.size());
}

Term LogReplicator::term() const {
  std::lock_guard<std::mutex> l(mu_);
  return term_;
}

}  // namespace ozone::ha::testing
