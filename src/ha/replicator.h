// Replicator: how leader-side logic makes a state change: it submits an encoded request (a
// domain's own log-entry message, e.g. scm::ScmRaftRequest) and gets the encoded response the
// apply handler produced once the entry is applied on this node.
//
// HaNode implements it over the Raft server; DirectReplicator applies at once (unit tests of
// managers without Raft).
//
// Errors: NotLeader (message names the leader), Timeout, Aborted ("LeadershipLost" or stopped);
// domain failures are inside the response, not errors.
//
// Thread-safety: Submit may be called from any thread, concurrently.
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"

namespace ozone::ha {

class Replicator {
 public:
  virtual ~Replicator() = default;
  virtual Result<std::string> Submit(std::string request) = 0;
};

}  // namespace ozone::ha
