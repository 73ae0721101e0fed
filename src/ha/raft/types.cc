#include "ha/raft/types.h"

namespace ozone::raft {

const PeerInfo* Configuration::Find(const PeerId& id) const {
  for (const auto& p : peers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

bool Configuration::IsVoter(const PeerId& id) const {
  const PeerInfo* p = Find(id);
  return p != nullptr && p->role == PeerRole::kVoter;
}

std::vector<PeerId> Configuration::Voters() const {
  std::vector<PeerId> out;
  for (const auto& p : peers) {
    if (p.role == PeerRole::kVoter) out.push_back(p.id);
  }
  return out;
}

size_t Configuration::VoterCount() const {
  size_t n = 0;
  for (const auto& p : peers) n += p.role == PeerRole::kVoter ? 1 : 0;
  return n;
}

}  // namespace ozone::raft
