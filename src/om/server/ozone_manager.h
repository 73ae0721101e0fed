// OzoneManager: the composition root of one OM node (`ozone om`). It only wires:
//   configuration (ozone-site.xml, this node of ozone.om.nodes.<svc>) -> VERSION (clusterID,
//   omUuid) -> om.db through OmReplicatedState's double-buffered ha::DbStateMachine
//   -> ha::HaNode (Raft ring of the service id: log in <ozone.om.ratis.storage.dir or
//      meta/om.ratis>/<svc>, transport on ozone.om.ratis.port; peers are the OM node ids)
//   -> OmExecutionFlow (+ ScmClientAdapter: blocks from SCM through client::ScmClient)
//   -> leader-only services (KeyDeletingService, OpenKeyCleanupService, the stateful
//      KeyLifecycleService) on the ServiceManager, and OmServiceWatcher logging which run
//   -> one gRPC server on ozone.om.address.<svc>.<node> (port 9862): OzoneManagerService (leader
//      gated) and the checkpoint transfer followers install from.
//
// The ring: on the first start of an initialized OM (`ozone om --init` wrote VERSION, the log is
// empty) every OM configured in ozone.om.nodes.<svc> is a voting member (Ozone's non-bootstrap
// start: the group is the configured peers; every OM writes the same first configuration).
// With `bootstrap` (`ozone om --bootstrap`) a node with an empty log instead first checks that
// every other OM has it in its (re-read) configuration (OmBootstrapCheck; not with --force),
// then starts without a ring and asks the running leader to add it (learner, checkpoint,
// voter). A node whose log has a ring just rejoins it. Running OMs learn a joined OM's addresses
// by re-reading ozone-site.xml (OmPeerListUpdater), never by a restart. SIGTERM -> Stop().
//
// Thread-safety: Start, Stop and Wait from one thread; the rest from any.
#pragma once

#include <memory>
#include <optional>

#include "common/config/config_loader.h"
#include "common/config/configuration.h"
#include "common/result.h"

namespace ozone::om {

struct OzoneManagerOptions {
  // Join a running ring instead of forming the configured one (`ozone om --bootstrap`).
  bool bootstrap = false;
  // With `bootstrap`: skip the check that every other OM has this one in its configuration
  // (`--force`; OmBootstrapCheck), and let the leader add it even if its own does not.
  bool force_bootstrap = false;
  // Cancel the prepare state on start-up (`ozone om --upgrade`, after an upgrade or downgrade).
  bool cancel_prepare = false;
  // Where `conf` was read from, so that the running OM re-reads ozone-site.xml when an OM joins
  // (config::ConfigReloader). Default: nullopt: nothing to re-read, `conf` stands.
  std::optional<config::ConfigSources> config_sources;
};

class OzoneManager {
 public:
  // Builds every part from `conf`; nothing is started. FailedPrecondition when the node is not
  // initialized (no VERSION: run `ozone om --init` first).
  static Result<std::unique_ptr<OzoneManager>> Create(const config::Configuration& conf,
                                                      OzoneManagerOptions options = {});
  ~OzoneManager();

  ozone::Status Start();
  // Blocks until Stop() ends.
  void Wait();
  void Stop();

  struct Parts;

 private:
  OzoneManager();
  std::unique_ptr<Parts> parts_;
};

}  // namespace ozone::om
