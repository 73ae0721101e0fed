// ReplicationManager: the leader-only service that keeps closed containers at their replication
// factor (Ozone's ReplicationManager): every hdds.scm.replication.thread.interval it checks each
// CLOSED (and QUASI_CLOSED) container's healthy replicas on healthy datanodes:
//   under-replicated -> ReplicateContainerCommand to a datanode without a replica (sources: the
//                       replicas), not again while one is pending;
//   over-replicated  -> DeleteContainerCommand to the datanode of an extra replica;
//   a DELETING container with no replicas left -> CLEANUP (replicated).
// Healthy replicas: CLOSED ones (QUASI_CLOSED too for a QUASI_CLOSED container) on HEALTHY
// datanodes. The replication factor is the container's (ONE: 1, THREE: 3). Targets are healthy
// datanodes without a replica, most remaining space first; the extra replicas deleted are the
// last ones in datanode uuid order. With enough healthy replicas, UNHEALTHY ones are deleted.
// A pending container is skipped until it is correctly replicated or `command_timeout` passed.
// Commands carry the leader's term. Pending operations are in memory and cleared when this SCM
// becomes leader. `ozone admin replicationmanager start|stop|status` toggles it (a disabled
// manager does nothing, ProcessAll included).
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
  // One container (REQUIRES: enabled, leader of `term`).
  void Process(const hdds::ContainerInfoProto& container, Term term);
  void Send(const std::string& datanode_uuid, SCMCommandProto command, Term term);

  ReplicationManagerOptions options_;
  ContainerManager* containers_;
  NodeManager* nodes_;
  const ha::HaContext* context_;
  const Clock* clock_;
  std::shared_ptr<ha::BackgroundService> service_;
  mutable std::mutex mu_;
  bool enabled_ = true;                           // guarded by mu_
  std::map<int64_t, Clock::SteadyTime> pending_;  // container -> command sent at; guarded
};

}  // namespace ozone::scm
