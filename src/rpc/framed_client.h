// FramedCallClient: the client side of the framed calls of framed_wire.h, to one server: calls
// multiplexed over one TCP connection, opened by the first call (and again by the first call
// after it broke). A call is written by the calling thread (the calls made while another thread
// writes go out together in the next frame); one reader thread per connection takes the replies
// and runs the calls' `done` callbacks. Replies are matched to calls by callId.
//
// Failures are those of rpc::CallStream: a connection that breaks fails every call unanswered on
// it (Unavailable), a NotLeader reply names the leader's address, a call without a reply within
// its timeout fails with Timeout. A server that does not speak the framing (it answers the
// preamble with something else, or closes the connection) fails the call with NotSupported, and
// so does every later call at once (`unsupported()`): the caller uses the gRPC stream instead.
//
// This header includes no gRPC.
//
// Thread-safety: CallAsync and Call from any thread, concurrently, and from within a `done`
// callback. `done` runs on the reader thread (or the calling one, for a call that fails at once):
// it must not block.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rpc/failover_client.h"

namespace ozone::rpc {

class FramedCallClient {
 public:
  using Done = std::function<void(CallOutcome outcome, std::string_view response)>;

  // `address`: "host:port"; `server` names the peer in errors ("om1 (host:port)").
  // `connect_timeout` bounds connecting and the server's preamble.
  FramedCallClient(std::string address, std::string server,
                   std::chrono::milliseconds connect_timeout = std::chrono::seconds(5));
  // Closes the connection (its unanswered calls fail) and joins the reader threads.
  ~FramedCallClient();
  FramedCallClient(const FramedCallClient&) = delete;
  FramedCallClient& operator=(const FramedCallClient&) = delete;

  // Sends the serialized `request`; `done` is called once, with the reply or the failure.
  void CallAsync(std::string request, Done done);
  // Sends `request` and waits up to `timeout` for the reply, parsed into `response`.
  CallOutcome Call(const google::protobuf::Message& request, google::protobuf::Message* response,
                   std::chrono::milliseconds timeout);

  // The server answered the preamble with something else: every call fails with NotSupported.
  bool unsupported() const { return unsupported_.load(); }
  // Connections opened so far (tests).
  uint64_t connections_opened() const;

 private:
  struct Connection;
  // The open connection, opened if there is none. An error if it cannot be.
  Result<std::shared_ptr<Connection>> Open();
  void Read(Connection* c);
  void Send(const std::shared_ptr<Connection>& c, uint64_t id, std::string request, Done done);

  const std::string address_;
  const std::string server_;
  const std::chrono::milliseconds connect_timeout_;
  std::atomic<bool> unsupported_{false};
  std::atomic<uint64_t> next_call_id_{0};
  mutable std::mutex mu_;  // opening; guards the members below
  std::shared_ptr<Connection> open_;
  std::vector<std::shared_ptr<Connection>> retired_;  // broken, their readers maybe running
  uint64_t connections_opened_ = 0;
};

}  // namespace ozone::rpc
