// LogReplicator: a Replicator over raft::StateMachines (DbStateMachine) without Raft, for tests of
// domains whose state machine matters (OM's double buffer, table caches, retry cache): Submit
// appends the request to an in-memory log as the next entry (current term, next index), applies
// it to the leader's state machine and returns its response, as a ring would once the entry is
// committed. Other replicas apply the same log when told (CatchUp), as followers; a failover
// switches the leader's state machine (SetLeaderStateMachine) and the term, and appends the new
// leader's no-op.
//
//   LogReplicator log(sm1.get());
//   log.Submit(request);           // applied on sm1
//   log.CatchUp(sm2.get());        // sm2 applies what it has not
//   log.Failover(sm2.get());       // sm2 leads term 2
//
// A state machine error is returned from Submit as is (a real replica would stop).
//
// Thread-safety: all methods may be called from any thread; entries are applied one at a time,
// in log order (Submit holds a mutex across the leader's Apply).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "ha/raft/server/state_machine.h"
#include "ha/replicator.h"

namespace ozone::ha::testing {

class LogReplicator : public Replicator {
 public:
  // `leader` must outlive the replicator (or be replaced first).
  explicit LogReplicator(raft::StateMachine* leader);

  Result<std::string> Submit(std::string request) override;

  // While not leader, Submit fails with NotLeader naming `leader_hint`. Default: leader.
  void SetLeader(bool leader, std::string leader_hint = "");
  // Applies to `sm` every entry after its LastAppliedIndex... and after `after` whichever is
  // larger (a DbStateMachine skips what it holds anyway).
  Status CatchUp(raft::StateMachine* sm, LogIndex after = LogIndex(0));
  // `next` becomes the leader of the next term: it catches up, a no-op of the new term is
  // appended and applied, and later Submits go to it.
  Status Failover(raft::StateMachine* next);

  std::vector<raft::Entry> entries() const;
  LogIndex last_index() const;
  Term term() const;

 private:
  Result<std::string> AppendLocked(raft::EntryType type, std::string bytes);  // REQUIRES: mu_

  mutable std::mutex mu_;
  raft::StateMachine* leader_;      // guarded by mu_
  bool is_leader_ = true;           // guarded by mu_
  std::string leader_hint_;         // guarded by mu_
  Term term_{1};                    // guarded by mu_
  std::vector<raft::Entry> log_;    // guarded by mu_
};

}  // namespace ozone::ha::testing
