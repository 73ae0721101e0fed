#include "om/server/om_peer_list_updater.h"

#include <spdlog/spdlog.h>

#include "common/thread_name.h"

namespace ozone::om {

void OmPeerListUpdater::NotifyStatusChanged() {
  {
    std::lock_guard<std::mutex> l(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void OmPeerListUpdater::Start() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = false;
    wake_ = true;  // a first pass: the ring may have changed before this started
  }
  thread_ = std::thread([this] {
    NameThisThread("om-peer-list");
    Loop();
  });
}

void OmPeerListUpdater::Stop() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OmPeerListUpdater::Loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait(l, [this] { return wake_ || stopping_; });
    if (stopping_) return;
    wake_ = false;
    l.unlock();
    UpdateOnce();
    l.lock();
  }
}

std::vector<std::string> OmPeerListUpdater::UpdateOnce() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  const std::string& self = storage_->self.node_id;
  const raft::Configuration ring = ring_();
  std::vector<raft::PeerInfo> unknown;
  for (const raft::PeerInfo& member : ring.peers) {
    if (!storage_->NodeById(member.id)) unknown.push_back(member);
  }
  // Members that left (a bootstrapping OM sees an empty ring until it joins: nothing left then).
  if (ring.Contains(self)) {
    for (auto it = seen_members_.begin(); it != seen_members_.end();) {
      if (ring.Contains(*it)) {
        ++it;
        continue;
      }
      if (storage_->nodes.Remove(*it)) {
        spdlog::info("om {}: OM {} left the ring; removed from the peer list", self, *it);
      }
      it = seen_members_.erase(it);
    }
  }
  for (const raft::PeerInfo& member : ring.peers) seen_members_.insert(member.id);
  std::vector<std::string> added;
  if (unknown.empty()) return added;
  Result<config::Configuration> conf = reloader_->Reload();
  if (!conf.ok()) {
    spdlog::error("om {}: cannot re-read the configuration from {} to learn the new members of "
                  "the ring: {}",
                  self, reloader_->config_dir(), conf.status().ToString());
    return added;
  }
  for (const raft::PeerInfo& member : unknown) {
    Result<topology::OmNodeDetails> n = storage_->LearnNode(*conf, member.id);
    if (n.ok()) {
      spdlog::info("om {}: added OM {} (rpc {}, ratis {}) to the peer list from {}", self,
                   member.id, n->rpc_address.ToString(), n->RatisAddress().ToString(),
                   reloader_->config_dir());
      reported_missing_.erase(member.id);
      added.push_back(member.id);
    } else if (reported_missing_.insert(member.id).second) {
      spdlog::warn("om {}: OM {} ({}) is a member of the ring but not in ozone-site.xml even "
                   "after reloading it ({}); left out of the peer list",
                   self, member.id, member.address, n.status().ToString());
    }
  }
  return added;
}

}  // namespace ozone::om
