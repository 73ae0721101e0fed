// FrameDispatcher: hands the groups of a received ClientFrame to their handlers in a
// GroupRegistry, decoding each message (payloads moved out of the frame), counting what it
// delivers and drops, and logging messages for groups without a handler (at most once per group
// every 10 s). Shared by the receiving sides of GrpcTransport and TcpTransport.
//
// Thread-safety: Dispatch may be called from several threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ha/raft/transport/group_registry.h"
#include "ha/raft/transport/transport_counters.h"
#include "raft_wire.pb.h"

namespace ozone::raft {

class FrameDispatcher {
 public:
  // `registry` and `counters` must outlive the dispatcher.
  FrameDispatcher(GroupRegistry* registry, TransportCounters* counters)
      : registry_(registry), counters_(counters) {}

  // Delivers every group of `frame` in order, on this thread; `sender` names the peer in logs.
  void Dispatch(wire::ClientFrame* frame, const std::string& sender);

 private:
  void LogUnknownGroup(const GroupId& group, const std::string& sender, size_t count);

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
