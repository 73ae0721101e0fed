// HaContext: what SCM and OM components ask about this node's place in its ring (Ozone's
// SCMContext): leader or not, leader and ready (its no-op of the term applied, so every earlier
// entry is applied too), the term, and the safe mode status. Updated from the Raft server's
// events; read by services, RPC handlers and command producers.
//
// Rules (Ozone's): `IsLeader` gates sending datanode commands, which carry TermOfLeader();
// `IsLeaderReady` gates write RPCs and background services.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/strong_id.h"

namespace ozone::ha {

enum class SafeModeStatus : uint8_t {
  kInitial,          // in safe mode, pre-checks not passed
  kPreChecksPassed,  // in safe mode, pre-checks passed (e.g. enough datanodes)
  kOutOfSafeMode,
};

class HaContext {
 public:
  bool IsLeader() const;
  bool IsLeaderReady() const;
  Term term() const;
  // The term if this node is the leader, else NotLeader naming the leader (for stamping
  // commands: a deposed leader cannot produce them).
  Result<Term> TermOfLeader() const;
  // The current leader as "<id>[<address>]" if known (for NotLeader messages).
  std::optional<std::string> LeaderHint() const;

  SafeModeStatus safe_mode() const;
  bool IsInSafeMode() const { return safe_mode() != SafeModeStatus::kOutOfSafeMode; }
  bool IsPreCheckComplete() const { return safe_mode() != SafeModeStatus::kInitial; }

  // Updates (from the Raft server's events and the safe mode manager). Becoming a follower also
  // clears leader-ready, and so does a new term; SetLeaderReady is ignored when not the leader.
  void SetLeader(bool leader, Term term);
  void SetLeaderReady();
  void SetLeaderHint(std::optional<std::string> hint);
  void SetSafeMode(SafeModeStatus status);

 private:
  mutable std::mutex mu_;
  bool leader_ = false;                                  // guarded by mu_
  bool leader_ready_ = false;                            // guarded by mu_
  Term term_;                                            // guarded by mu_
  std::optional<std::string> leader_hint_;               // guarded by mu_
  SafeModeStatus safe_mode_ = SafeModeStatus::kInitial;  // guarded by mu_
};

}  // namespace ozone::ha
