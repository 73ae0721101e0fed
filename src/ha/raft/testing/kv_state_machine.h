// KvStateMachine: a small key-value StateMachine for tests and benchmarks of the Raft server.
// Commands are "put <key> <value>" (result: the previous value) and "get <key>"; anything else
// applies as a no-op returning "". Snapshots are copies kept in memory; InstallSnapshot fetches
// the leader's copy for the snapshot index through a SnapshotSource (in-process in tests).
//
// Thread-safety: the StateMachine methods are called from the server's apply strand; Get and the
// counters may be read from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "ha/raft/server/state_machine.h"

namespace ozone::raft {

class KvStateMachine : public StateMachine {
 public:
  using Map = std::map<std::string, std::string>;
  // Fetches the snapshot `meta` from `leader`: the state as of meta.index.
  using SnapshotSource =
      std::function<Result<Map>(const SnapshotMeta& meta, const PeerInfo& leader)>;

  explicit KvStateMachine(SnapshotSource source = nullptr) : source_(std::move(source)) {}

  LogIndex LastAppliedIndex() const override;
  Result<std::string> Apply(const Entry& entry) override;
  Result<LogIndex> TakeSnapshot() override;
  Status InstallSnapshot(const SnapshotMeta& meta, const PeerInfo& leader) override;
  void OnEvent(const Event& event) override;

  std::optional<std::string> Get(const std::string& key) const;
  Map data() const;
  LogIndex applied() const;
  // The snapshot taken through `index`, if it is the latest one.
  Result<Map> SnapshotAt(LogIndex index) const;
  uint64_t leader_ready_events() const;
  // Called with every event, on the apply strand (tests observe what a listener sees then).
  void SetEventHook(std::function<void(const Event&)> hook);
  // Waits until `applied() >= index`. False on timeout.
  bool WaitApplied(LogIndex index, std::chrono::milliseconds timeout) const;

 private:
  SnapshotSource source_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  Map data_;
  LogIndex applied_;
  Map snapshot_;
  LogIndex snapshot_index_;
  uint64_t leader_ready_events_ = 0;
  std::function<void(const Event&)> hook_;  // guarded by mu_
};

}  // namespace ozone::raft
