// DatanodeServerGate: opens this SCM's datanode protocol server once, when the node is ready to
// process datanode reports against up-to-date container and pipeline state (Ozone's
// SCMStateMachine.tryStartDNServerAndRefreshSafeMode, HDDS-14989): at once on the leader; on a
// follower once its applied index reached the leader's commit index as captured when it first
// saw a leader (asked again until known). Until then datanodes find the port closed and retry,
// and the follower stays in safe mode (StateMachineReadyRule).
//
// Thread-safety: all methods may be called from any thread. The callbacks run on the gate's own
// thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "common/result.h"

namespace ozone::scm {

struct DatanodeServerGateOptions {
  // Whether this node is the ready leader.
  std::function<bool()> is_leader_ready;
  // Whether another node is known to lead.
  std::function<bool()> other_leader_known;
  // The leader's commit index (asked from the leader; may fail).
  std::function<Result<uint64_t>()> leader_commit;
  // This node's applied index.
  std::function<uint64_t()> applied;
  // Opens the server; a failure is retried.
  std::function<Status()> open;
  // Called after the server opened.
  std::function<void()> on_open;
  // How often the gate looks. Default: 50 ms.
  std::chrono::milliseconds interval{50};
};

class DatanodeServerGate {
 public:
  explicit DatanodeServerGate(DatanodeServerGateOptions options);
  ~DatanodeServerGate();

  void Start();
  void Stop();
  bool is_open() const;
  // The leader commit index the follower waits for, once captured.
  std::optional<uint64_t> target() const;

 private:
  void Loop();

  DatanodeServerGateOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;           // guarded by mu_
  bool open_ = false;               // guarded by mu_
  std::optional<uint64_t> target_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ozone::scm
