// CallStream: unary-style calls to one server multiplexed over one gRPC bidirectional stream of
// a stream method shaped as rpc.proto describes (StreamedCalls in, StreamedReplies out). The
// stream is opened by the first call and kept open; the calls made while a message is being sent
// go out together in the next one, so a busy client pays gRPC's per-message cost once per batch
// instead of once per call. Replies are matched to calls by callId.
//
// When the stream ends (the server finished it, for instance with NotLeader; the connection
// broke; the server went away), every call still unanswered on it fails with the stream's status
// and, for NotLeader, the leader's address from its trailing metadata, exactly as a unary call to
// that server would have failed; the next call opens a new stream. A call that gets no reply
// within its timeout fails with Timeout (a late reply is dropped).
//
// This header includes no gRPC (code outside src/rpc and */server/ may use it).
//
// Thread-safety: Call and CallAsync may be called from any thread, concurrently, and from
// within a `done` callback. `done` callbacks run on gRPC's threads: they must not block.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "rpc/failover_client.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace ozone::rpc {

// Makes a call with `call_async(serialized request, done)` and waits up to `timeout` for its
// reply, parsed into `response`; Timeout naming `server` if none came (a late reply is dropped).
CallOutcome CallAndWait(
    const std::function<void(std::string request,
                             std::function<void(CallOutcome, std::string_view)> done)>& call_async,
    const google::protobuf::Message& request, google::protobuf::Message* response,
    std::chrono::milliseconds timeout, const std::string& server);

class CallStream {
 public:
  // `outcome` is OK with `response` the serialized response (valid during the call only), or the
  // call's failure.
  using Done = std::function<void(CallOutcome outcome, std::string_view response)>;

  // `method_path`: "/<package>.<Service>/<Method>" of the stream method. `server` names the
  // peer in errors ("scm1 (host:port)").
  CallStream(std::shared_ptr<grpc::Channel> channel, std::string method_path,
             std::string server);
  // Cancels the open stream (its unanswered calls fail) and waits until it has ended.
  ~CallStream();
  CallStream(const CallStream&) = delete;
  CallStream& operator=(const CallStream&) = delete;

  // Sends the serialized `request`; `done` is called once, with the reply or the failure.
  void CallAsync(std::string request, Done done);

  // Sends `request` and waits up to `timeout` for the reply, parsed into `response`.
  CallOutcome Call(const google::protobuf::Message& request, google::protobuf::Message* response,
                   std::chrono::milliseconds timeout);

  // Streams opened so far (tests).
  uint64_t streams_opened() const;

 private:
  class Reactor;
  friend class Reactor;

  // The stream new calls go to, created if none is open (with mu_ held); `opened` says whether
  // it was, in which case the caller starts it (Reactor::Open) once it released mu_.
  Reactor* OpenLocked(bool* opened);
  // Called by a stream that has ended and failed its calls.
  void StreamEnded();

  const std::shared_ptr<grpc::Channel> channel_;
  const std::string method_path_;
  const std::string server_;
  mutable std::mutex mu_;
  std::condition_variable ended_cv_;
  Reactor* open_ = nullptr;        // guarded by mu_; the stream new calls go to
  int live_streams_ = 0;           // guarded by mu_; not ended yet (the open one and closing ones)
  uint64_t next_call_id_ = 0;      // guarded by mu_
  uint64_t streams_opened_ = 0;    // guarded by mu_
};

}  // namespace ozone::rpc
