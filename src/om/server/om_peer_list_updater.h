// OmPeerListUpdater: keeps this OM's peer list (OmStorageConfig::nodes) up with the ring's
// members (Ozone's OzoneManagerStateMachine.notifyConfigurationChanged -> updatePeerList ->
// addOMNodeToPeers): when the ring has a member the list does not know (an OM added by
// `ozone om --bootstrap` after this one started), it re-reads ozone-site.xml
// (config::ConfigReloader) and takes the member's addresses from it, so that NotLeader hints,
// `ozone admin om roles` and the checkpoint download reach it. A member still not configured
// after re-reading is logged ("not in ozone-site.xml ... left out of the peer list") and
// skipped (the ring keeps it; its Raft address is used where it suffices). A member this
// updater saw in the ring that has left it (`ozone admin om decommission`) is dropped from the
// peer list (Ozone's removeOMNodeFromPeers); configured OMs that never joined stay. It runs on
// every OM,
// leader or not, on its own thread: a status change (the ring's configuration changed) only
// wakes it (HaService::NotifyStatusChanged must be cheap).
//
// Thread-safety: all methods may be called from any thread; Start and Stop are idempotent.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/config/config_reloader.h"
#include "ha/ha_node.h"
#include "ha/ha_service.h"
#include "om/server/om_storage_config.h"

namespace ozone::om {

class OmPeerListUpdater : public ha::HaService {
 public:
  // `ring` returns the ring's current configuration (HaNode::Status().configuration); it is
  // called on this service's thread. All must outlive the updater.
  OmPeerListUpdater(OmStorageConfig* storage, const config::ConfigReloader* reloader,
                    std::function<raft::Configuration()> ring)
      : storage_(storage), reloader_(reloader), ring_(std::move(ring)) {}
  ~OmPeerListUpdater() override { Stop(); }

  std::string Name() const override { return "OmPeerListUpdater"; }
  void NotifyStatusChanged() override;
  bool ShouldRun() const override { return true; }
  void Start() override;
  void Stop() override;

  // One pass: re-reads the configuration if the ring has members the peer list does not know,
  // and adds those it configures; drops the members seen before that left. Returns the node
  // ids added.
  std::vector<std::string> UpdateOnce();

 private:
  void Loop();

  OmStorageConfig* storage_;
  const config::ConfigReloader* reloader_;
  const std::function<raft::Configuration()> ring_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;      // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::set<std::string> reported_missing_;  // guarded by pass_mu_: logged as not configured
  std::set<std::string> seen_members_;      // guarded by pass_mu_: ring members seen
  std::mutex pass_mu_;                      // one pass at a time
  std::mutex lifecycle_mu_;                 // serializes Start and Stop; guards thread_
  std::thread thread_;
};

}  // namespace ozone::om
