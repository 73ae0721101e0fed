// FileKvStateMachine: the key-value state machine of `raft_node` (the engine's standalone
// server for multi-process tests and benchmarks). Its durable state is a snapshot file written
// atomically by TakeSnapshot; a restart loads it and the log is replayed from there. Followers
// that must install a snapshot fetch the leader's file over HTTP (GET /snapshot?index=N on the
// leader's control port), as Ozone's followers fetch a checkpoint out of band.
//
// Commands: "put <key> <value>" (result: previous value). Anything else applies as a no-op.
//
// Thread-safety: StateMachine methods on the apply strand; Get/Serialize may be called from any
// thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "ha/raft/server/state_machine.h"

namespace ozone::raft {

class FileKvStateMachine : public StateMachine {
 public:
  // Maps a peer's Raft address to its control (HTTP) address.
  using HttpAddressOf = std::function<std::string(const PeerInfo&)>;

  // Loads `<dir>/snapshot` if present.
  static Result<std::unique_ptr<FileKvStateMachine>> Open(const std::string& dir,
                                                          HttpAddressOf http_address_of);

  LogIndex LastAppliedIndex() const override;
  Result<std::string> Apply(const Entry& entry) override;
  Result<LogIndex> TakeSnapshot() override;
  Status InstallSnapshot(const SnapshotMeta& meta, const PeerInfo& leader) override;

  std::optional<std::string> Get(const std::string& key) const;
  LogIndex applied() const;
  // The snapshot file's bytes if it covers exactly `index`.
  Result<std::string> SnapshotBytes(LogIndex index) const;
  // A digest of the whole map (to compare replicas).
  std::string Digest() const;
  size_t size() const;

 private:
  explicit FileKvStateMachine(std::string dir, HttpAddressOf http)
      : dir_(std::move(dir)), http_(std::move(http)) {}
  static std::string Serialize(LogIndex index, const std::map<std::string, std::string>& data);
  static Status Parse(const std::string& bytes, LogIndex* index,
                      std::map<std::string, std::string>* data);
  std::string SnapshotPath() const { return dir_ + "/snapshot"; }

  std::string dir_;
  HttpAddressOf http_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> data_;
  LogIndex applied_;
  LogIndex snapshot_index_;
};

}  // namespace ozone::raft
