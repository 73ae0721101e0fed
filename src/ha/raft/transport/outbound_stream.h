// OutboundStream: everything a GrpcTransport does for one destination address: the queue of
// messages to it, and one sender thread that dials the long-lived stream (with the cluster-id
// handshake), writes batches, reconnects with backoff and reports unreachable peers.
//
// The sender thread only dials when something is queued. It drains the queue into frames of at
// most max_batch_bytes (one stream Write each), so batches form by themselves under load. A
// failed connection attempt or write drops what was queued or in flight (Raft retransmits) and
// reports each affected (group, peer) once; so does a Send that finds the queue full.
//
// Thread-safety: Enqueue and Stop may be called from any thread; Join from one thread, after
// Stop. Unreachable reports run on the sender thread.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"
#include "ha/raft/message.h"
#include "ha/raft/transport/group_registry.h"
#include "ha/raft/transport/transport_counters.h"
#include "raft_wire.grpc.pb.h"

namespace ozone::raft {

// What every OutboundStream of one transport shares. Immutable once streams exist.
struct OutboundConfig {
  std::string cluster_id;
  std::string sender_address;  // sent in the Hello, for the peer's logs
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  grpc::ChannelArguments channel_args;
  size_t max_queue_bytes = 0;
  size_t max_batch_bytes = 0;
  std::chrono::milliseconds initial_backoff{0};
  std::chrono::milliseconds max_backoff{0};
  std::chrono::milliseconds connect_timeout{0};
};

class OutboundStream {
 public:
  // Starts the sender thread. `config`, `registry` and `counters` must outlive the stream.
  OutboundStream(std::string address, const OutboundConfig* config, GroupRegistry* registry,
                 TransportCounters* counters);
  // Stops and joins.
  ~OutboundStream();
  OutboundStream(const OutboundStream&) = delete;
  OutboundStream& operator=(const OutboundStream&) = delete;

  // Queues `message`, or drops it (counted) when the queue is over its bound or the stream is
  // stopped. Never blocks on the network.
  void Enqueue(const GroupId& group, Message message);

  // Begins stopping without waiting: later Enqueues drop, the active RPC (connecting, writing
  // or idle) is cancelled, and the thread wakes up to exit.
  void Stop();
  // Waits for the sender thread to exit. REQUIRES: Stop() was called.
  void Join();

  const std::string& address() const { return address_; }

 private:
  struct Queued {
    GroupId group;
    Message message;
    size_t bytes = 0;
  };
  using PeerKey = std::pair<GroupId, PeerId>;
  class ConnectTimer;

  void Run();
  // Dials, sends the Hello and waits for the HelloAck (all within connect_timeout). On success
  // the stream members are set.
  Status Connect();
  // Encodes `batch` into one frame and writes it. False if the stream broke.
  bool WriteBatch(const std::vector<Queued>& batch);
  // Ends the current stream and returns its final status. `cancel` first when the RPC may
  // still be live; not after a failed Read or Write (the status is in, and says why).
  grpc::Status CloseStream(bool cancel);
  // Moves up to max_batch_bytes of queued messages (at least one) into `batch`.
  void TakeBatchLocked(std::vector<Queued>* batch);
  // Counts `messages` as dropped in `counter` and reports their peers unreachable.
  void Drop(std::vector<Queued>* messages, std::atomic<uint64_t>& counter);
  void ReportUnreachable(const std::set<PeerKey>& peers);
  void LogFailure(const Status& status, std::chrono::milliseconds retry_in);

  const std::string address_;
  const OutboundConfig* const config_;
  GroupRegistry* const registry_;
  TransportCounters* const counters_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;                   // GUARDED_BY(mu_)
  size_t queued_bytes_ = 0;                    // GUARDED_BY(mu_)
  std::set<PeerKey> overflowed_;               // GUARDED_BY(mu_): to report unreachable
  bool stopping_ = false;                      // GUARDED_BY(mu_)
  grpc::ClientContext* active_ctx_ = nullptr;  // GUARDED_BY(mu_): the RPC Stop cancels

  // Owned by the sender thread.
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<wire::RaftTransport::Stub> stub_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<grpc::ClientReaderWriter<wire::ClientFrame, wire::ServerFrame>> stream_;
  wire::ClientFrame frame_;  // reused between writes (keeps its allocations)
  std::string last_error_;   // last failure logged at warn level
  std::chrono::steady_clock::time_point last_error_time_;
  int failures_ = 0;  // consecutive failed attempts

  std::thread thread_;
};

}  // namespace ozone::raft
