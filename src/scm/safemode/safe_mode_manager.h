// SafeModeManager: decides when this SCM leaves safe mode (Ozone's SCMSafeModeManager). Every
// SCM evaluates it on its own. Rules (each reports validated / a status text):
//   DataNodeSafeModeRule      registered datanodes >= hdds.scm.safemode.min.datanode (1 here for
//                             small clusters? Ozone: 3) — also the pre-check rule;
//   ContainerSafeModeRule     CLOSED/QUASI_CLOSED containers with keys that have a reported
//                             replica >= hdds.scm.safemode.threshold.pct (0.99) of them (as
//                             Ozone's RatisContainerSafeModeRule; none: validated);
//   HealthyPipelineSafeModeRule  fully reported OPEN RATIS/THREE pipelines >=
//                             ceil(hdds.scm.safemode.healthy.pipeline.pct (0.10) x their count);
//   OneReplicaPipelineSafeModeRule  OPEN RATIS/THREE pipelines with >= 1 member reported >=
//                             ceil(hdds.scm.safemode.atleast.one.node.reported.pipeline.pct
//                             (0.90) x their count);
//   StateMachineReadyRule     this SCM is the leader, or its applied index reached the leader's
//                             commit index captured when it joined (caught up).
// When the pre-check passes the status becomes PRE_CHECKS_PASSED; when all pass it becomes
// OUT_OF_SAFE_MODE (HaContext); services are notified of each change (outside the lock). Once
// out, an SCM does not go back. ForceExit leaves at once (`ozone admin safemode exit`).
// hdds.scm.safemode.enabled=false starts out of safe mode (set in the constructor; the first
// Refresh notifies the services).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "scm.pb.h"

namespace ozone::scm {

class ContainerManager;
class ContainerStateManager;
class NodeManager;
class PipelineManager;

struct SafeModeOptions {
  bool enabled = true;                     // hdds.scm.safemode.enabled
  size_t min_datanodes = 3;                // hdds.scm.safemode.min.datanode
  double container_threshold = 0.99;       // hdds.scm.safemode.threshold.pct
  double healthy_pipeline_pct = 0.10;      // hdds.scm.safemode.healthy.pipeline.pct
  double one_replica_pipeline_pct = 0.90;  // ...atleast.one.node.reported.pipeline.pct
};

class SafeModeManager {
 public:
  // `state_machine_ready` answers the StateMachineReadyRule.
  SafeModeManager(SafeModeOptions options, ha::HaContext* context, ha::ServiceManager* services,
                  const NodeManager* nodes, const ContainerStateManager* containers,
                  const ContainerManager* container_manager, const PipelineManager* pipelines,
                  std::function<bool()> state_machine_ready);

  // Re-evaluates the rules (on reports, registrations, leadership changes, a timer). Cheap once
  // out of safe mode.
  void Refresh();
  void ForceExit();
  bool InSafeMode() const;
  bool PreCheckComplete() const;
  // The rules evaluated now, in the order above.
  std::vector<SafeModeRuleStatus> RuleStatuses() const;

 private:
  std::vector<SafeModeRuleStatus> Evaluate() const;

  SafeModeOptions options_;
  ha::HaContext* context_;
  ha::ServiceManager* services_;
  const NodeManager* nodes_;
  const ContainerStateManager* containers_;
  const ContainerManager* container_manager_;
  const PipelineManager* pipelines_;
  std::function<bool()> state_machine_ready_;
  mutable std::mutex mu_;                 // serializes Refresh and ForceExit
  std::vector<SafeModeRuleStatus> last_;  // guarded by mu_
  bool notified_disabled_ = false;        // guarded by mu_
};

}  // namespace ozone::scm
