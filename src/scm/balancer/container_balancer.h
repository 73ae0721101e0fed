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
// After its last iteration it persists shouldRun=false.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

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

  // User commands.
  Status StartBalancer(ContainerBalancerConfigurationProto config);
  Status StopBalancer();
  bool IsRunning() const;
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
  void Run(ContainerBalancerConfigurationProto config);
  void StopLocalTask();

  ha::ServiceConfigStore* store_;
  const ha::HaContext* context_;
  ContainerManager* containers_;
  NodeManager* nodes_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;                // guarded by mu_
  bool stop_requested_ = false;         // guarded by mu_
  std::atomic<int> iterations_completed_{0};
  std::thread thread_;
};

}  // namespace ozone::scm
