// ScmMembership: the leader's handling of ring membership and leadership requests (Ozone's
// SCMHAManagerImpl.addSCM / removePeerFromHARing and SCMClientProtocolServer.transferLeadership):
//   AddScm      a bootstrapped SCM asks to join: its cluster id must be this ring's
//               (CLUSTER_ID_MISMATCH), then it is added as a learner, caught up (through a
//               checkpoint if the log no longer has what it needs) and promoted to voter. A member
//               asking again is answered at once.
//   RemoveScm   `ozone admin scm decommission`: never the current leader ("Cannot remove current
//               leader."), only a member ("... not in Ratis Peer list").
//   Transfer    `ozone admin scm transfer`: to a voting member (or, without a target, the most
//               up-to-date follower); returns once the new leader is in place.
// Failures are Status values whose message starts with Ozone's result code where one applies.
//
// Thread-safety: all methods may be called from any thread; they block (never call them from
// the Raft apply strand).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/result.h"
#include "ha/ha_node.h"
#include "scm.pb.h"

namespace ozone::scm {

class ScmMembership {
 public:
  // `node` must outlive this. `add_timeout`: how long a joining SCM may take to catch up.
  ScmMembership(ha::HaNode* node, std::string cluster_id, std::chrono::milliseconds add_timeout);

  Status AddScm(const AddScmRequest& request);
  Status RemoveScm(const std::string& scm_id);
  // Returns the new leader's id.
  Result<std::string> TransferLeadership(const std::optional<std::string>& target);

 private:
  ha::HaNode* node_;
  std::string cluster_id_;
  std::chrono::milliseconds add_timeout_;
};

}  // namespace ozone::scm
