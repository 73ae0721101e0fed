#include "rpc/leader_hint.h"

namespace ozone::rpc {

std::string NotLeaderMessage(const std::string& self, const std::optional<LeaderHint>& leader) {
  std::string m = "Server:" + self + " is not the leader.";
  if (leader && !leader->address.empty()) {
    m += " Suggested leader is Server:" +
         (leader->node_id.empty() ? leader->address
                                  : leader->node_id + "[" + leader->address + "]") +
         ".";
  } else {
    m += " Could not determine the leader node.";
  }
  return m;
}

}  // namespace ozone::rpc
