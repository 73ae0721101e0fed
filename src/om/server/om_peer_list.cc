#include "om/server/om_peer_list.h"

#include <algorithm>

namespace ozone::om {

namespace {

bool SameNode(const topology::OmNodeDetails& a, const topology::OmNodeDetails& b) {
  return a.service_id == b.service_id && a.node_id == b.node_id &&
         a.rpc_address.ToString() == b.rpc_address.ToString() && a.ratis_port == b.ratis_port &&
         a.http_address.ToString() == b.http_address.ToString();
}

}  // namespace

OmPeerList& OmPeerList::operator=(const OmPeerList& other) {
  if (this == &other) return *this;
  std::vector<topology::OmNodeDetails> nodes = other.All();
  std::lock_guard<std::mutex> l(mu_);
  nodes_ = std::move(nodes);
  return *this;
}

std::vector<topology::OmNodeDetails> OmPeerList::All() const {
  std::lock_guard<std::mutex> l(mu_);
  return nodes_;
}

std::optional<topology::OmNodeDetails> OmPeerList::Find(const std::string& node_id) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& n : nodes_) {
    if (n.node_id == node_id) return n;
  }
  return std::nullopt;
}

std::optional<topology::OmNodeDetails> OmPeerList::FindByRatisAddress(
    const std::string& address) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& n : nodes_) {
    if (n.RatisAddress().ToString() == address) return n;
  }
  return std::nullopt;
}

bool OmPeerList::Upsert(const topology::OmNodeDetails& node) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& n : nodes_) {
    if (n.node_id != node.node_id) continue;
    if (SameNode(n, node)) return false;
    n = node;
    return true;
  }
  nodes_.push_back(node);
  return true;
}

bool OmPeerList::Remove(const std::string& node_id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = std::find_if(nodes_.begin(), nodes_.end(),
                         [&](const topology::OmNodeDetails& n) { return n.node_id == node_id; });
  if (it == nodes_.end()) return false;
  nodes_.erase(it);
  return true;
}

}  // namespace ozone::om
