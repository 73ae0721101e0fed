// OmPeerList: the OMs of this node's service that it knows the addresses of (Ozone's
// OzoneManager.peerNodesMap plus the node itself): from ozone.om.nodes.<svc> at start, then
// grown while running when an OM joins the ring (`ozone om --bootstrap`) and the re-read
// ozone-site.xml has it (Ozone's addOMNodeToPeers). Who leads and which OMs vote is the ring's
// (HaNode); this list only maps an OM node id to its client RPC and Raft addresses, for the
// NotLeader hints, `ozone admin om roles`, the checkpoint download and the bootstrap checks.
//
// Thread-safety: all methods may be called from any thread (one mutex; lookups copy out).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/topology/ha_nodes.h"

namespace ozone::om {

class OmPeerList {
 public:
  OmPeerList() = default;
  explicit OmPeerList(std::vector<topology::OmNodeDetails> nodes) : nodes_(std::move(nodes)) {}
  OmPeerList(const OmPeerList& other) : nodes_(other.All()) {}
  OmPeerList& operator=(const OmPeerList& other);

  // Every known OM, in configured order (added ones last).
  std::vector<topology::OmNodeDetails> All() const;
  std::optional<topology::OmNodeDetails> Find(const std::string& node_id) const;
  std::optional<topology::OmNodeDetails> FindByRatisAddress(const std::string& address) const;

  // Adds `node`, or replaces the entry with its node id. True if the list changed.
  bool Upsert(const topology::OmNodeDetails& node);
  // Removes the entry of `node_id`. True if there was one.
  bool Remove(const std::string& node_id);

 private:
  mutable std::mutex mu_;
  std::vector<topology::OmNodeDetails> nodes_;  // guarded by mu_
};

}  // namespace ozone::om
