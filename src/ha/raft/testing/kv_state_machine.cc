#include "ha/raft/testing/kv_state_machine.h"

#include <sstream>

namespace ozone::raft {

LogIndex KvStateMachine::LastAppliedIndex() const {
  std::lock_guard<std::mutex> l(mu_);
  return snapshot_index_;  // what was "durable" (the snapshot) when the server starts
}

Result<std::string> KvStateMachine::Apply(const Entry& entry) {
  std::string result;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (entry.index != applied_ + 1 && applied_ != LogIndex(0)) {
      return Status::Internal("applied " + std::to_string(entry.index.value()) + " after " +
                              std::to_string(applied_.value()));
    }
    if (entry.type == EntryType::kNormal) {
      std::istringstream in(entry.bytes());
      std::string op, key, value;
      in >> op >> key;
      if (op == "put") {
        std::getline(in, value);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        auto it = data_.find(key);
        result = it == data_.end() ? "" : it->second;
        data_[key] = value;
      } else if (op == "get") {
        auto it = data_.find(key);
        result = it == data_.end() ? "" : it->second;
      }
    }
    applied_ = entry.index;
  }
  cv_.notify_all();
  return result;
}

Result<LogIndex> KvStateMachine::TakeSnapshot() {
  std::lock_guard<std::mutex> l(mu_);
  snapshot_ = data_;
  snapshot_index_ = applied_;
  return snapshot_index_;
}

Status KvStateMachine::InstallSnapshot(const SnapshotMeta& meta, const PeerInfo& leader) {
  if (!source_) return Status::NotSupported("no snapshot source");
  OZ_ASSIGN_OR_RETURN(Map data, source_(meta, leader));
  {
    std::lock_guard<std::mutex> l(mu_);
    data_ = data;
    snapshot_ = std::move(data);
    applied_ = meta.index;
    snapshot_index_ = meta.index;
  }
  cv_.notify_all();
  return Status::OK();
}

void KvStateMachine::OnEvent(const Event& event) {
  std::function<void(const Event&)> hook;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (event.type == Event::Type::kLeaderReady) ++leader_ready_events_;
    hook = hook_;
  }
  if (hook) hook(event);
}

void KvStateMachine::SetEventHook(std::function<void(const Event&)> hook) {
  std::lock_guard<std::mutex> l(mu_);
  hook_ = std::move(hook);
}

std::optional<std::string> KvStateMachine::Get(const std::string& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

KvStateMachine::Map KvStateMachine::data() const {
  std::lock_guard<std::mutex> l(mu_);
  return data_;
}

LogIndex KvStateMachine::applied() const {
  std::lock_guard<std::mutex> l(mu_);
  return applied_;
}

Result<KvStateMachine::Map> KvStateMachine::SnapshotAt(LogIndex index) const {
  std::lock_guard<std::mutex> l(mu_);
  if (snapshot_index_ != index) {
    return Status::NotFound("no snapshot at " + std::to_string(index.value()) + " (latest " +
                            std::to_string(snapshot_index_.value()) + ")");
  }
  return snapshot_;
}

uint64_t KvStateMachine::leader_ready_events() const {
  std::lock_guard<std::mutex> l(mu_);
  return leader_ready_events_;
}

bool KvStateMachine::WaitApplied(LogIndex index, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(mu_);
  return cv_.wait_for(l, timeout, [&] { return applied_ >= index; });
}

}  // namespace ozone::raft
