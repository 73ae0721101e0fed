// ContainerBalancer: a stateful, leader-only service (Ozone's ContainerBalancer, the template of
// SCM stateful services): it moves closed container replicas from over-utilized to
// under-utilized datanodes, in iterations.
//
// Its configuration (scm.proto ContainerBalancerConfigurationProto, with shouldRun and
// nextIterationIndex) is saved through the log under "ContainerBalancer" in
// statefulServiceConfig:
//   Start(cfg)   user command (`ozone admin containerbalancer start`): refused unless leader
//                ready, out of safe mode and not running; persists cfg + shouldRun=true +
//                nextIterationIndex=0, then runs.
//   Stop()       user command: persists shouldRun=false, stops the task.
//   NotifyStatusChanged: not leader or in safe mode -> stop the local task (persisted state
//                unchanged); leader, out of safe mode and persisted shouldRun -> resume from the
//                persisted configuration at nextIterationIndex. So a new leader resumes it.
// After its last iteration it persists shouldRun=false; it persists nextIterationIndex after each
// iteration. An iteration compares each healthy datanode's utilization (scmUsed / capacity of its
// storage reports) with the average: from a datanode above average + utilizationThreshold (a
// percentage) it moves a CLOSED container replica to one below average - threshold that has no
// replica of it (ReplicateContainerCommand to the target; once the target reports the replica,
// DeleteContainerCommand to the source), within sizeMovedMaxPerIteration. iterations -1 runs
// until stopped; balancingIterationInterval is in milliseconds.
//
// The task runs on its own thread; losing leadership only signals it (NotifyStatusChanged never
// waits for it, since it may be called where a replicated Save cannot complete); Stop() and the
// destructor wait for every task thread.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "ha/stateful_service.h"
#include "scm.pb.h"
#include "scm/container/container_manager.h"
#include "scm/node/node_manager.h"

namespace ozone::scm {

inline constexpr char kContainerBalancerService[] = "ContainerBalancer";

class ContainerBalancer : public ha::HaService {
 public:
  ContainerBalancer(ha::ServiceConfigStore* store, const ha::HaContext* context,
                    ContainerManager* containers, NodeManager* nodes);
  ~ContainerBalancer() override;

  // User commands. StartBalancer: NotLeader unless leader ready, SAFE_MODE_EXCEPTION in safe
  // mode, FailedPrecondition if running, InvalidArgument for a bad configuration (threshold not
  // in [0, 100), iterations 0 or below -1); unset fields take Ozone's defaults (threshold 10,
  // iterations 10, 20% of datanodes, 500 GB per iteration, 70 min interval). StopBalancer:
  // NotLeader unless leader; persists shouldRun=false (also when not running).
  Status StartBalancer(ContainerBalancerConfigurationProto config);
  Status StopBalancer();
  bool IsRunning() const;
  // Waits until no balancing task runs on this node (finished, stopped, or never started);
  // false if `timeout` passed first.
  bool WaitUntilStopped(std::chrono::milliseconds timeout) const;
  // The persisted configuration, if any.
  Result<std::optional<ContainerBalancerConfigurationProto>> ReadConfiguration() const;
  int iterations_completed() const;

  // ha::HaService
  std::string Name() const override { return kContainerBalancerService; }
  void NotifyStatusChanged() override;
  bool ShouldRun() const override;
  void Start() override;
  void Stop() override;

 private:
  struct Move {
    std::string source;
    std::string target;
  };
  // The task: iterations from config.nextIterationIndex while `generation` is current.
  void Run(ContainerBalancerConfigurationProto config, uint64_t generation);
  // One iteration: completes finished moves, schedules new ones.
  void Balance(const ContainerBalancerConfigurationProto& config);
  // Starts the task thread. REQUIRES: mu_ held, not running.
  void StartLocked(ContainerBalancerConfigurationProto config);
  // Signals the task to stop (does not wait). REQUIRES: mu_ held.
  void StopLocalTaskLocked();
  bool IsCurrent(uint64_t generation) const;

  ha::ServiceConfigStore* store_;
  const ha::HaContext* context_;
  ContainerManager* containers_;
  NodeManager* nodes_;
  // Held across a replicated save of the configuration (taken before mu_; never by
  // NotifyStatusChanged).
  std::mutex save_mu_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // running_ or generation_ changed
  bool running_ = false;                // guarded by mu_
  uint64_t generation_ = 0;             // guarded by mu_: bumped to stop the running task
  std::atomic<int> iterations_completed_{0};
  std::thread thread_;                // guarded by mu_
  std::vector<std::thread> retired_;  // stopped task threads to join; guarded by mu_
  std::map<int64_t, Move> moves_;     // container -> move in progress; guarded by mu_
};

}  // namespace ozone::scm
