// KvStateMachine: the replicated key-value map each simulated server applies its log to.
//
// Apply is deterministic and strict: entries must come in index order without gaps (a gap or an
// undecodable command is a Status, and the simulation stops the run, as a real replica stops on
// a failed apply). The whole state (map and applied position) is a small value, so a snapshot
// is a copy of it.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "common/result.h"
#include "ha/raft/sim/kv_command.h"
#include "ha/raft/types.h"

namespace ozone::raft::sim {

// The state of the map after applying the log through `applied`.
struct KvState {
  LogIndex applied;
  std::map<uint32_t, int64_t> data;

  bool operator==(const KvState&) const = default;
};

// What applying one client command did.
struct KvApplyOutcome {
  KvCommand command;
  bool ok = true;  // kCas: whether the value was swapped; kPut: always true
};

class KvStateMachine {
 public:
  KvStateMachine() = default;
  explicit KvStateMachine(KvState state) : state_(std::move(state)) {}

  // Applies a committed entry. Returns the outcome of a client command, nullopt for no-op and
  // configuration entries. FailedPrecondition if entry.index != applied() + 1; Corruption for a
  // payload that is not a command.
  Result<std::optional<KvApplyOutcome>> Apply(const Entry& entry);

  std::optional<int64_t> Get(uint32_t key) const;
  LogIndex applied() const { return state_.applied; }
  const KvState& state() const { return state_; }
  // Replaces the whole state (installing a snapshot).
  void Restore(KvState state) { state_ = std::move(state); }

 private:
  KvState state_;
};

}  // namespace ozone::raft::sim
