// FramedCallServer: the server side of the framed calls of framed_wire.h, for one stream method:
// every call read from a connection is handed to `handler` on the connection's thread, in
// arrival order, with a FramedAnswer to answer it once, at once or later from any thread (a
// write answered once applied), as rpc::StreamedCallsReactor does for the gRPC stream.
//
// Connections come from GrpcServer's listener (the port is shared with gRPC): Adopt takes an
// accepted socket whose first bytes are unread; its thread reads them, serves the connection if
// they are the framed preamble and otherwise gives the socket to `other` (gRPC). Each connection
// has one thread, which reads and hands out calls; answers are written by whoever answers
// (no hand-off), those answered while another thread writes going out together in the next
// frame, and those answered while a batch of calls is handed out waiting for its end. A client
// that does not read makes its replies wait in memory (its thread then writes them as the
// socket drains), not the answering thread.
//
// Thread-safety: Adopt and Stop from any thread; answers from any thread, also after Stop (they
// are dropped).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "rpc/framed_wire.h"
#include "rpc/leader_hint.h"

namespace ozone::rpc {

class FramedConnection;
class StreamedCalls;

// The answer to one framed call. Movable; answer it once (dropped unanswered: INTERNAL).
class FramedAnswer {
 public:
  FramedAnswer(std::shared_ptr<FramedConnection> connection, uint64_t call_id)
      : connection_(std::move(connection)), call_id_(call_id) {}
  FramedAnswer(FramedAnswer&&) noexcept = default;
  FramedAnswer& operator=(FramedAnswer&&) = delete;
  FramedAnswer(const FramedAnswer&) = delete;
  ~FramedAnswer();

  // The serialized response.
  void Reply(std::string response);
  // The call fails with `status` (the error a unary call would get); for NotLeader, `leader`
  // says where the leader is.
  void Fail(const Status& status, const std::optional<LeaderHint>& leader = std::nullopt);

 private:
  std::shared_ptr<FramedConnection> connection_;
  uint64_t call_id_;
};

// Reply batches: while one is open on a thread, the answers given on that thread are queued
// rather than written; each connection's go out together, in one frame and one write, when the
// outermost batch of the thread ends. A state machine's apply strand opens one around a batch of
// applied entries, so that a client with many writes outstanding gets one write per batch instead
// of one per answer. Begin and End pair up on one thread; they nest.
void BeginFramedReplyBatch();
void EndFramedReplyBatch();
// Whether a batch is open on this thread (tests).
bool InFramedReplyBatch();

class FramedReplyBatch {
 public:
  FramedReplyBatch() { BeginFramedReplyBatch(); }
  ~FramedReplyBatch() { EndFramedReplyBatch(); }
  FramedReplyBatch(const FramedReplyBatch&) = delete;
  FramedReplyBatch& operator=(const FramedReplyBatch&) = delete;
};

class FramedCallServer {
 public:
  // `request` may be moved from.
  using Handler = std::function<void(std::string* request, FramedAnswer answer)>;
  // Gets an accepted socket that is not a framed client (a gRPC one), and owns it from then on.
  using Other = std::function<void(int fd)>;

  // `name` names the connections' threads and log lines ("om-framed").
  FramedCallServer(std::string name, Handler handler);
  ~FramedCallServer();  // Stop()
  FramedCallServer(const FramedCallServer&) = delete;
  FramedCallServer& operator=(const FramedCallServer&) = delete;

  // Serves the accepted socket `fd` (owned from now on) as said above. After Stop, closes it.
  void Adopt(int fd, Other other);
  // Closes every connection and joins their threads: no call is handed out after it returns.
  // Idempotent.
  void Stop();

  // Connections served as framed so far (tests).
  uint64_t framed_connections() const;

 private:
  struct Slot;
  enum class Peer : uint8_t { kFramed, kGrpc, kGone };
  // The connection's thread: tells the peer's protocol apart, then serves it or hands it over.
  void Serve(Slot* slot, Other other);
  // From the first bytes (peeked, waiting up to 10 s for them).
  Peer Sniff(FramedConnection& c);
  // Reads the client's preamble into `in` and answers with ours; false if the connection must
  // end (closed, another version).
  bool Handshake(FramedConnection& c, FrameBuffer* in);
  // Hands out the calls read, until the connection ends.
  void ServeCalls(const std::shared_ptr<FramedConnection>& connection, FrameBuffer* in);
  // Hands out the calls of the complete frames in `in` (`calls`: scratch); false if the
  // connection must end (a frame too large or undecodable).
  bool HandOut(const std::shared_ptr<FramedConnection>& connection, FrameBuffer* in,
               StreamedCalls* calls);
  // Joins the threads of connections that ended (mu_ held).
  void ReapLocked();

  const std::string name_;
  const Handler handler_;
  mutable std::mutex mu_;
  bool stopped_ = false;                      // guarded by mu_
  std::vector<std::unique_ptr<Slot>> slots_;  // guarded by mu_
  uint64_t framed_connections_ = 0;           // guarded by mu_
};

}  // namespace ozone::rpc
