// InboundService: the receiving side of a GrpcTransport, the RaftTransport.Stream handler.
//
// Each inbound stream runs on its own gRPC server thread: it checks the Hello (protocol version,
// cluster id: a mismatch ends the stream with FAILED_PRECONDITION and a log line naming both
// clusters), answers HelloAck, then reads frames and hands each group's messages to the group's
// handler on that same thread. Messages for groups without a handler are dropped, counted and
// logged (at most once per group every 10 s).
//
// Thread-safety: gRPC calls Stream concurrently, once per inbound stream.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ha/raft/transport/group_registry.h"
#include "ha/raft/transport/transport_counters.h"
#include "raft_wire.grpc.pb.h"

namespace ozone::raft {

class InboundService final : public wire::RaftTransport::Service {
 public:
  // `registry` and `counters` must outlive the service.
  InboundService(std::string cluster_id, GroupRegistry* registry, TransportCounters* counters);

  grpc::Status Stream(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<wire::ServerFrame, wire::ClientFrame>* stream) override;

 private:
  // Checks the Hello; non-OK ends the stream.
  grpc::Status CheckHello(const wire::ClientFrame& frame, const std::string& peer);
  // Delivers every group of `frame`, moving the payloads out of it.
  void Dispatch(wire::ClientFrame* frame, const std::string& sender);
  void LogUnknownGroup(const GroupId& group, const std::string& sender, size_t count);

  const std::string cluster_id_;
  GroupRegistry* const registry_;
  TransportCounters* const counters_;

  struct UnknownGroupLog {
    std::chrono::steady_clock::time_point last;
    uint64_t dropped = 0;  // since `last`
  };
  std::mutex log_mu_;
  std::unordered_map<GroupId, UnknownGroupLog> unknown_groups_;  // GUARDED_BY(log_mu_)
};

}  // namespace ozone::raft
