// InboundService: the receiving side of a GrpcTransport: the RaftTransport.Stream calls peers
// dial, served with gRPC's asynchronous API on the transport's completion queue.
//
// One call is always armed to accept the next stream. Each stream reads the Hello and checks it
// (protocol version, cluster id: a mismatch ends the stream with FAILED_PRECONDITION and a log
// line naming both clusters), answers HelloAck, then reads frames one at a time. A frame is
// decoded and each group's messages handed to the group's handler on the completion-queue thread
// that took the read from the queue (no hop to another thread); the next read starts when the
// handlers have returned, so batches from one stream never overlap and keep their order.
// Messages for groups without a handler are dropped, counted and logged (at most once per group
// every 10 s).
//
// Thread-safety: Start, BeginShutdown and Join are called by the transport (Start once, Join
// after the server was shut down, from a thread that is not a completion-queue thread); stream
// events run on completion-queue threads, concurrently for different streams.
#pragma once

#include <grpcpp/completion_queue.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ha/raft/transport/frame_dispatcher.h"
#include "ha/raft/transport/group_registry.h"
#include "ha/raft/transport/transport_counters.h"
#include "raft_wire.grpc.pb.h"

namespace ozone::raft {

class InboundService {
 public:
  // `registry` and `counters` must outlive the service.
  InboundService(std::string cluster_id, GroupRegistry* registry, TransportCounters* counters);
  // REQUIRES: Join() returned, or Start() was never called.
  ~InboundService();
  InboundService(const InboundService&) = delete;
  InboundService& operator=(const InboundService&) = delete;

  // What the server builder registers.
  grpc::Service* service() { return &service_; }

  // Starts accepting streams, with completions on `cq`. Once, after the server started.
  void Start(grpc::ServerCompletionQueue* cq);
  // No new stream is accepted after this (called before the server shuts down).
  void BeginShutdown();
  // Waits until every stream (and the armed accept) has ended and been released. REQUIRES: the
  // server was shut down, which ends them; the completion-queue threads run.
  void Join();

 private:
  class Stream;

  // Arms one call for the next inbound stream, unless shutting down.
  void Accept();
  void Released();
  // Checks the Hello; non-OK ends the stream.
  grpc::Status CheckHello(const wire::ClientFrame& frame, const std::string& peer);

  const std::string cluster_id_;
  TransportCounters* const counters_;
  FrameDispatcher dispatcher_;
  wire::RaftTransport::AsyncService service_;
  grpc::ServerCompletionQueue* cq_ = nullptr;  // set by Start

  std::mutex mu_;
  std::condition_variable released_cv_;
  size_t live_ = 0;             // GUARDED_BY(mu_): Stream objects not yet released
  bool shutting_down_ = false;  // GUARDED_BY(mu_)
};

}  // namespace ozone::raft
