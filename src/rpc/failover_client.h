// FailoverClient: unary calls to the leader of a replicated service (an SCM or OM ring) that
// find the leader themselves, as Ozone's failover proxy providers do:
//   - calls go to the endpoint that last answered (at first, the first one configured);
//   - a NotLeader reply naming the leader's address (leader_hint.h) moves to that endpoint at
//     once ("Performing failover to suggested leader");
//   - a NotLeader reply without a leader, an unreachable endpoint (Unavailable), a timed out
//     call or a lost leadership (Aborted) move to the next endpoint; once every endpoint was
//     tried without success the client waits `retry_interval` first, telling `on_retry` with
//     Ozone's line "Retrying in <ms>ms after <n> failover attempt(s).";
//   - a NotLeader naming the endpoint itself (a leader not ready yet) or Busy retry the same
//     endpoint after `not_ready_wait`;
//   - after `max_failovers` such attempts the last error is returned; any other error (and
//     every domain failure, which travels inside the response) is returned at once.
// Requests may be sent more than once (after a timeout or a lost leadership): callers send only
// requests whose repetition is harmless (allocating a block twice wastes an id, nothing more).
//
// Methods are named by their protobuf descriptor, so callers need only the generated messages
// (no gRPC headers: this header includes none, and code outside src/rpc and */server/ must
// not).
//
// Thread-safety: all methods may be called from any thread, concurrently.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace google::protobuf {
class Message;
class MethodDescriptor;
}  // namespace google::protobuf

namespace ozone::rpc {

struct RpcEndpoint {
  // The node id ("scm1"), for messages.
  std::string node_id;
  // "host:port" of the protocol's server on that node.
  std::string address;
};

struct FailoverOptions {
  // Attempts on another (or the same, not ready) endpoint before giving up (Ozone:
  // hdds.scmclient.failover.max.retry). Default: 15.
  int max_failovers = 15;
  // Wait before another round once every endpoint was tried (Ozone:
  // hdds.scmclient.failover.retry.interval). Default: 2 s.
  std::chrono::milliseconds retry_interval{2000};
  // Wait before asking a leader that is not ready yet (or busy) again. Default: 100 ms.
  std::chrono::milliseconds not_ready_wait{100};
  // Deadline of one call on one endpoint (Ozone: hdds.scmclient.rpc.timeout). Default: 15 min.
  std::chrono::milliseconds rpc_timeout{15 * 60 * 1000};
  // Told each retry wait with Ozone's message ("Retrying in 2000ms after 3 failover
  // attempt(s)."), e.g. to print it in the CLI. Default: none.
  std::function<void(const std::string&)> on_retry;
  // Connections per endpoint; calls are spread over them (many concurrent callers of one
  // client). Default: 1.
  int channels_per_endpoint = 1;
  // CallStreamed's calls go over the framed protocol (framed_wire.h) to the endpoints that serve
  // it on their gRPC port (a server that does not gets them over the gRPC stream). Default: off.
  bool framed = false;
};

// The outcome of one call on one endpoint.
struct CallOutcome {
  Status status;
  // The leader's address from a NotLeader reply, if it named one.
  std::optional<std::string> leader_address;
};

class FailoverClient {
 public:
  // REQUIRES: !endpoints.empty().
  FailoverClient(std::vector<RpcEndpoint> endpoints, FailoverOptions options);
  ~FailoverClient();
  FailoverClient(const FailoverClient&) = delete;
  FailoverClient& operator=(const FailoverClient&) = delete;

  // Calls `method` (a unary method of a service of the generated protos) on the leader, failing
  // over as described above. `response` must be of the method's output type.
  Status Call(const google::protobuf::MethodDescriptor* method,
              const google::protobuf::Message& request, google::protobuf::Message* response);

  // Like Call, with each attempt made over the endpoint's stream of `stream_method` (a
  // bidirectional stream method shaped as rpc.proto says; see call_stream.h) instead of as a
  // call of its own: `request` and `response` are the unary messages the stream carries. The
  // calls of all threads to one endpoint share one stream (per connection).
  Status CallStreamed(const google::protobuf::MethodDescriptor* stream_method,
                      const google::protobuf::Message& request,
                      google::protobuf::Message* response);

  // One call on endpoint `index`, no failover.
  CallOutcome CallEndpoint(size_t index, const google::protobuf::MethodDescriptor* method,
                           const google::protobuf::Message& request,
                           google::protobuf::Message* response);
  // One call over endpoint `index`'s stream of `stream_method`, no failover.
  CallOutcome CallEndpointStreamed(size_t index,
                                   const google::protobuf::MethodDescriptor* stream_method,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message* response);

  const std::vector<RpcEndpoint>& endpoints() const;
  // The endpoint calls go to first (the last one that answered).
  size_t current() const;

 private:
  struct Impl;
  // Call's failover loop around `attempt` (one call on an endpoint).
  Status WithFailover(const std::string& what,
                      const std::function<CallOutcome(size_t index)>& attempt);

  std::unique_ptr<Impl> impl_;
};

// "Retrying in <ms>ms after <n> failover attempt(s)." (Ozone's CLI line).
std::string RetryMessage(std::chrono::milliseconds wait, int attempts);

}  // namespace ozone::rpc
