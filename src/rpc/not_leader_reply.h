// The server side of leader redirection: the reply of a replica that may not serve a request
// because it is not the (ready) leader. See leader_hint.h for what travels.
//
// Thread-safety: pure functions over the call's ServerContext (one call, one thread).
#pragma once

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

#include "rpc/leader_hint.h"

namespace ozone::rpc {

// Adds the leader's address and node id (if known) to the call's trailing metadata and returns
// the NotLeader status (FAILED_PRECONDITION "[NOT_LEADER] <Ozone's message>").
// Adds the leader's address and node id (if known) to the call's trailing metadata.
void AddLeaderHint(grpc::ServerContextBase* context, const std::optional<LeaderHint>& leader);

grpc::Status NotLeaderReply(grpc::ServerContextBase* context, const std::string& self,
                            const std::optional<LeaderHint>& leader);

}  // namespace ozone::rpc
