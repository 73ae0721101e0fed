// How a replica that is not the leader tells a client where the leader is (Ozone's
// ServerNotLeaderException with its suggested leader): the reply is a NotLeader status
// (rpc/grpc_status.h) carrying, in its trailing metadata, the leader's address *for the protocol
// that was called* (an SCM follower asked on its block location port names the leader's block
// location port) and the leader's node id. Clients (FailoverClient) follow the address.
//
// This header includes no gRPC: it is shared by the server side (not_leader_reply.h) and clients.
//
// Thread-safety: constants and value types.
#pragma once

#include <optional>
#include <string>

namespace ozone::rpc {

// Trailing metadata keys (gRPC metadata keys are lower case).
inline constexpr char kLeaderAddressKey[] = "ozone-leader-address";
inline constexpr char kLeaderIdKey[] = "ozone-leader-id";

// Where the leader is, as far as the replica knows.
struct LeaderHint {
  // The leader's "host:port" for the protocol that was called.
  std::string address;
  // The leader's node id (SCM: "scm1"), for messages. May be empty.
  std::string node_id;
};

// Ozone's message: "Server:<self> is not the leader. Suggested leader is Server:<leader>." (or
// "... Could not determine the leader node." when none is known).
std::string NotLeaderMessage(const std::string& self, const std::optional<LeaderHint>& leader);

}  // namespace ozone::rpc
