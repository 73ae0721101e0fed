// ReplicationManager: the leader-only service that keeps closed containers at their replication
// factor (Ozone's ReplicationManager): every hdds.scm.replication.thread.interval it checks each
// CLOSED (and QUASI_CLOSED) container's healthy replicas on healthy datanodes:
//   under-replicated -> ReplicateContainerCommand to a datanode without a replica (sources: the
//                       replicas), not again while one is pending;
//   over-replicated  -> DeleteContainerCommand to the datanode of an extra replica;
//   a DELETING container with no replicas left -> CLEANUP (replicated).
// Commands carry the leader's term. Pending operations are in memory and cleared when this SCM
// becomes leader. `ozone admin replicationmanager start|stop|status` toggles it.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "scm/container/container_manager.h"
#include "scm/node/node_manager.h"

namespace ozone::scm {

struct ReplicationManagerOptions {
  // hdds.scm.replication.thread.interval. Default: 300 s.
  std::chrono::milliseconds interval{300'000};
  // hdds.scm.wait.time.after.safemode.exit. Default: 5 min.
  std::chrono::milliseconds wait_after_safe_mode{300'000};
  // How long a replicate/delete command may take before it is sent again. Default: 10 min.
  std::chrono::milliseconds command_timeout{600'000};
};

class ReplicationManager {
 public:
  ReplicationManager(ReplicationManagerOptions options, ContainerManager* containers,
                     NodeManager* nodes, const ha::HaContext* context,
                     const Clock* clock = &Clock::Real());

  // One pass over the containers (the service's task; tests call it directly).
  void ProcessAll();
  // The leader-only service running ProcessAll.
  std::shared_ptr<ha::BackgroundService> service() const { return service_; }
  // `ozone admin replicationmanager start|stop`: a local switch (not replicated, as Ozone).
  void SetEnabled(bool enabled);
  bool enabled() const;
  void OnBecameLeader();

 private:
  ReplicationManagerOptions options_;
  ContainerManager* containers_;
  NodeManager* nodes_;
  const ha::HaContext* context_;
  const Clock* clock_;
  std::shared_ptr<ha::BackgroundService> service_;
  mutable std::mutex mu_;
  bool enabled_ = true;                                              // guarded by mu_
  std::map<int64_t, Clock::SteadyTime> pending_;  // container -> command sent at; guarded
};

}  // namespace ozone::scm
