// OutboundStream: everything a GrpcTransport does for one destination address: the queue of
// messages to it, the long-lived stream it dials (with the cluster-id handshake), batched writes,
// reconnection with backoff and unreachable reports. Driven by gRPC's asynchronous API: every
// operation completes on the transport's completion queue (CqEvent), so no thread is ours.
//
// Writing. When the stream is connected and no write is in flight, Enqueue encodes what is
// queued into one frame and starts its Write on the caller's thread (gRPC hands it to the socket
// there): an idle stream costs no thread wakeup. While a write is in flight, messages queue; when
// it completes, the completion-queue thread takes up to max_batch_bytes of them into the next
// frame, so batches grow by themselves under load.
//
// Connecting. A destination with nothing queued is not dialed. The first message queued on an
// idle stream schedules a connection attempt on a completion-queue thread: a fresh channel (the
// host name is resolved anew), the Hello, then the HelloAck within connect_timeout (a gRPC alarm
// cancels the attempt when it passes). After the handshake one Read stays pending, so a stream the
// peer ends is noticed at once, not only by the next write.
//
// Failures. An attempt that fails (resolution, TCP, TLS, refused or timed-out handshake) drops
// what is queued, reports its peers unreachable and waits an exponential backoff (an alarm) before
// the next attempt; a successful handshake resets the backoff. A connected stream that breaks
// drops the batch in flight (it may or may not have arrived; nothing is sent twice), reports its
// peers and, if messages are queued, reconnects at once. A full queue drops the message and
// reports its peer. Reports run on completion-queue threads, never inside Enqueue.
//
// Thread-safety: Enqueue and Stop may be called from any thread, including completion-queue
// threads; Join from one thread, not a completion-queue thread. The completion-queue threads must
// keep running until Join returns.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/async_stream.h>
#include <grpcpp/support/channel_arguments.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "ha/raft/message.h"
#include "ha/raft/transport/backoff.h"
#include "ha/raft/transport/cq_event.h"
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
  // `config`, `cq`, `registry` and `counters` must outlive the stream.
  OutboundStream(std::string address, const OutboundConfig* config, grpc::CompletionQueue* cq,
                 GroupRegistry* registry, TransportCounters* counters);
  // REQUIRES: Stop() and Join() returned (no operation of the stream is pending).
  ~OutboundStream();
  OutboundStream(const OutboundStream&) = delete;
  OutboundStream& operator=(const OutboundStream&) = delete;

  // Queues `message`, or drops it (counted) when the queue is over its bound or the stream is
  // stopped; starts a write at once if the stream is connected and idle. Never blocks on the
  // network.
  void Enqueue(const GroupId& group, Message message);

  // Begins stopping without waiting: queued messages are dropped, later Enqueues drop, the
  // active RPC is cancelled and no operation is started any more except those that end it.
  void Stop();
  // Waits until no operation of the stream is pending. REQUIRES: Stop() was called.
  void Join();

  const std::string& address() const { return address_; }

 private:
  struct Queued {
    GroupId group;
    Message message;
    size_t bytes = 0;
  };
  using PeerKey = std::pair<GroupId, PeerId>;
  class Call;
  enum class State : uint8_t {
    kIdle,        // no call; dials when something is queued
    kConnecting,  // a call is in its handshake
    kConnected,   // handshake done; writes flow
    kClosing,     // the call failed or is cancelled; waiting for its operations and Finish
    kBackoff,     // waiting before the next attempt
  };

  // Completion handlers (completion-queue threads).
  void OnKick(bool ok);
  void OnBackoffDone(bool ok);
  void OnHelloWritten(Call* call, bool ok);
  void OnRead(Call* call, bool ok);
  void OnWritten(Call* call, bool ok);
  void OnConnectTimer(Call* call, bool ok);
  void OnFinished(Call* call, bool ok);

  // Starts a connection attempt (new channel, Hello, handshake read, connect timer).
  // REQUIRES: mu_ held; no call; something is queued; not stopping.
  void StartConnectLocked();
  // The call failed (or must end, then `cancel`: its pending operations are cancelled). Returns
  // whether the caller must start Finish (after unlocking): nothing else is pending.
  bool FailLocked(Call* call, bool cancel);
  // Whether Finish may start now: the call failed and has no other pending operation.
  bool ReadyToFinishLocked(Call* call);
  void StartFinish(Call* call);
  // Once Finish and the timer of `call` have completed: destroys it, counts and logs the
  // failure, drops and reports what is lost, and reconnects, backs off or goes idle. Releases
  // `lock` when it returns.
  void MaybeRetire(Call* call, std::unique_lock<std::mutex>& lock);
  // Moves up to max_batch_bytes of queued messages (at least one) into the write buffer and
  // marks a write in flight. REQUIRES: connected, no write in flight, queue not empty.
  void TakeBatchLocked();
  // Encodes the taken batch into one frame and starts its Write. REQUIRES: this thread took it.
  void WriteBatch(Call* call);
  // Schedules OnKick on a completion-queue thread (connecting, overflow reports).
  void KickLocked();
  void NotifyIfQuiescentLocked();
  // Counts `count` messages as dropped in `counter` and reports `peers` unreachable. Not under
  // mu_ (handlers may Send).
  void Drop(size_t count, const std::vector<PeerKey>& peers, std::atomic<uint64_t>& counter);
  void ReportUnreachable(const std::vector<PeerKey>& peers);
  void LogFailure(const Status& status, std::chrono::milliseconds retry_in, int failures,
                  bool news);

  const std::string address_;
  const OutboundConfig* const config_;
  grpc::CompletionQueue* const cq_;
  GroupRegistry* const registry_;
  TransportCounters* const counters_;

  CqMethodEvent<OutboundStream> kick_event_{this, &OutboundStream::OnKick};
  CqMethodEvent<OutboundStream> backoff_event_{this, &OutboundStream::OnBackoffDone};

  std::mutex mu_;
  std::condition_variable quiescent_cv_;
  State state_ = State::kIdle;    // GUARDED_BY(mu_)
  std::deque<Queued> queue_;      // GUARDED_BY(mu_)
  size_t queued_bytes_ = 0;       // GUARDED_BY(mu_)
  std::set<PeerKey> overflowed_;  // GUARDED_BY(mu_): to report unreachable
  bool stopping_ = false;         // GUARDED_BY(mu_)
  std::unique_ptr<Call> call_;    // GUARDED_BY(mu_): the current attempt
  bool write_in_flight_ = false;  // GUARDED_BY(mu_): the Hello or a batch
  bool kick_pending_ = false;     // GUARDED_BY(mu_)
  bool backoff_pending_ = false;  // GUARDED_BY(mu_)
  grpc::Alarm kick_alarm_;        // set when !kick_pending_, under mu_
  grpc::Alarm backoff_alarm_;     // set when !backoff_pending_, under mu_
  Backoff backoff_;               // GUARDED_BY(mu_)
  int failures_ = 0;              // GUARDED_BY(mu_): consecutive failed attempts
  std::string last_error_;        // GUARDED_BY(mu_): last failure logged at warn
  std::chrono::steady_clock::time_point last_error_time_;  // GUARDED_BY(mu_)

  // The batch being written, owned by whoever set write_in_flight_ until its Write started;
  // its count and peers are read again when the write completes.
  std::vector<Queued> batch_;
  size_t in_flight_count_ = 0;
  std::vector<PeerKey> in_flight_peers_;
  wire::ClientFrame frame_;  // reused between writes (keeps its allocations)
};

}  // namespace ozone::raft
