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
// SubmitAsync is Submit without a waiting thread: `done` runs once with what Submit would have
// returned. Implementations that can (HaNode) run it on their own thread once the entry is applied
// (or failed), so a server answers many outstanding writes without a thread blocked on each; the
// default runs Submit on the caller's thread. `done` must not block.
//
// Thread-safety: Submit and SubmitAsync may be called from any thread, concurrently.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/result.h"

namespace ozone::ha {

class Replicator {
 public:
  virtual ~Replicator() = default;
  using SubmitCallback = std::function<void(Result<std::string>)>;

  virtual Result<std::string> Submit(std::string request) = 0;
  virtual void SubmitAsync(std::string request, SubmitCallback done) {
    done(Submit(std::move(request)));
  }
};

}  // namespace ozone::ha
