// Transport: how Raft servers of one process send messages to their peers, whatever carries
// them (GrpcTransport between processes, LocalTransportHub inside one process for tests).
//
// Several Raft groups share one transport (datanodes run one group per pipeline): every message
// travels with its GroupId, and the receiving transport hands it to the handler registered for
// that group. Messages for a group with no handler are dropped (counted, logged).
//
// Delivery is best effort, as Raft expects of its network (Raft paper §5.1: RPCs may be lost,
// and are retried by the protocol): messages to one destination arrive in the order they were
// sent, or not at all. Send never blocks: it queues, and drops (counting) when the queue of the
// destination is over its byte bound or the destination cannot be reached. When messages for a
// peer are dropped because its destination is unreachable or backed up, the group's
// `on_unreachable` is told (RaftServer maps it to RaftCore::ReportUnreachable).
//
// Thread-safety: every method may be called from any thread. Handlers run on transport threads,
// never inside Send; they must be cheap (hand the batch to the server's own queue) and must not
// call RegisterGroup/UnregisterGroup/Shutdown. They may call Send.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ha/raft/message.h"
#include "ha/raft/types.h"

namespace ozone::raft {

// What a Raft server registers for its group.
struct GroupHandler {
  // A batch of messages for the group, in the order one sender sent them. Called on a transport
  // thread; batches from one sender never overlap, batches from different senders may.
  std::function<void(std::vector<Message> messages)> on_messages;
  // Messages to `peer` were dropped because its address could not be reached or its queue was
  // full. Called on a transport thread, at most once per failure event (never once per message).
  // May be empty.
  std::function<void(const PeerId& peer)> on_unreachable;
};

// Counters since the transport started; all monotonic.
struct TransportStats {
  uint64_t messages_sent = 0;          // handed to the network (written on a stream)
  uint64_t batches_sent = 0;           // wire frames written
  uint64_t messages_received = 0;      // handed to a registered group's handler
  uint64_t batches_received = 0;       // wire frames received
  uint64_t dropped_queue_full = 0;     // Send found the destination's queue over its bound
  uint64_t dropped_unreachable = 0;    // queued or in-flight messages lost to a failed connection
  uint64_t dropped_unknown_group = 0;  // received for a group with no handler
  uint64_t dropped_malformed = 0;      // received but not decodable (unknown enum values ...)
  uint64_t dropped_shutdown = 0;       // Send after Shutdown, or queued at Shutdown
  uint64_t connects = 0;               // streams established (handshake accepted)
  uint64_t connect_failures = 0;       // attempts that failed (including refused handshakes)
  uint64_t handshake_rejections = 0;   // our attempts the peer refused (cluster id mismatch ...)
  uint64_t streams_refused = 0;        // inbound streams we refused in the handshake
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Starts delivering messages for `group` to `handler`. AlreadyExists if the group has a
  // handler; FailedPrecondition after Shutdown; InvalidArgument if on_messages is empty.
  virtual Status RegisterGroup(const GroupId& group, GroupHandler handler) = 0;
  // Stops delivering to the group's handler. When it returns, no callback of the handler is
  // running or will run. A no-op for an unknown group. Must not be called from a handler.
  virtual void UnregisterGroup(const GroupId& group) = 0;

  // Queues `message` of `group` for the server at `address` ("host:port"; host names are
  // resolved when connecting). Never blocks on the network; may drop (see above).
  virtual void Send(const GroupId& group, const std::string& address, Message message) = 0;

  // Writes now what Sends on this thread held back to leave together (TcpTransport holds the
  // replies of a received frame until its handlers return). The Raft server calls it before it
  // applies inline, so an acknowledgement does not wait for the state machine.
  virtual void FlushHeldSends() {}

  // Stops every thread and connection; queued messages are dropped. Afterwards Send drops and no
  // handler runs. Idempotent; also done by the destructor. Must not be called from a handler.
  virtual void Shutdown() = 0;

  virtual TransportStats stats() const = 0;
};

}  // namespace ozone::raft
