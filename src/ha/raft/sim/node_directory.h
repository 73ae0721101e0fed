// NodeDirectory: how clients and the nemesis find the simulated servers of a run.
//
// Thread-safety: used from the single simulation thread.
#pragma once

#include <vector>

#include "ha/raft/types.h"

namespace ozone::raft::sim {

class SimNode;

class NodeDirectory {
 public:
  virtual ~NodeDirectory() = default;
  // The server named `id`, or null.
  virtual SimNode* FindNode(const PeerId& id) = 0;
  // Every server of the run, founding members and spares, in a fixed order.
  virtual const std::vector<PeerId>& node_ids() const = 0;
};

}  // namespace ozone::raft::sim
