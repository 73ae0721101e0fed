#include "rpc/not_leader_reply.h"

#include "rpc/grpc_status.h"

namespace ozone::rpc {

void AddLeaderHint(grpc::ServerContextBase* context, const std::optional<LeaderHint>& leader) {
  if (leader && !leader->address.empty()) {
    context->AddTrailingMetadata(kLeaderAddressKey, leader->address);
    if (!leader->node_id.empty()) context->AddTrailingMetadata(kLeaderIdKey, leader->node_id);
  }
}

grpc::Status NotLeaderReply(grpc::ServerContextBase* context, const std::string& self,
                            const std::optional<LeaderHint>& leader) {
  AddLeaderHint(context, leader);
  return ToGrpc(Status::NotLeader(NotLeaderMessage(self, leader)));
}

}  // namespace ozone::rpc
