// StorageContainerManager: the composition root of one SCM node (`ozone scm`). It only wires:
//   configuration (ozone-site.xml, HA topology of this node) -> VERSION (scmUuid, clusterID)
//   -> scm.db through ha::DbStateMachine with ScmApplyHandler and the replicated state
//   -> ha::HaNode (Raft ring: log in <ozone.scm.ha.ratis.storage.dir or meta/scm.ratis>, transport
//      on ozone.scm.ratis.port) -> HaContext, ServiceManager, SequenceIdGenerator
//   -> managers (node, pipeline, container, block, deleted blocks, safe mode, replication,
//      balancer) and leader-only services
//   -> gRPC servers on this node's ports: datanode protocol (ozone.scm.datanode.port 9861), block
//      location (ozone.scm.block.client.port 9863), container location (ozone.scm.client.port
//      9860), checkpoint transfer (ozone.scm.grpc.port 9895).
//
// Start() on a node that was bootstrapped (VERSION written, no ring in its log) asks the leader to
// add it (AddScm over the block location protocol), then joins as a learner, installs the
// leader's checkpoint, catches up and is promoted. Followers open the datanode protocol server
// only once caught up with the leader (Ozone's rule). SIGTERM -> Stop().
//
// Thread-safety: Start, Stop and Wait from one thread; the rest from any.
#pragma once

#include <memory>
#include <string>

#include "common/config/configuration.h"
#include "common/result.h"

namespace ozone::scm {

class StorageContainerManager {
 public:
  // Builds every part from `conf`; nothing is started. FailedPrecondition when the node is not
  // initialized (no VERSION: run `ozone scm --init` or `--bootstrap` first).
  static Result<std::unique_ptr<StorageContainerManager>> Create(const config::Configuration& conf);
  ~StorageContainerManager();

  Status Start();
  // Blocks until Stop() is called from another thread (or a fatal error).
  void Wait();
  void Stop();

  // For tests and the admin service.
  struct Parts;
  Parts& parts();

 private:
  StorageContainerManager();
  std::unique_ptr<Parts> parts_;
};

}  // namespace ozone::scm
