// LocalTransportHub: an in-process network for Raft servers under test. Each endpoint created
// on the hub is a Transport reachable at an address of the caller's choosing; Send on one
// endpoint queues the message for the endpoint at the destination address, whose own delivery
// thread hands it to the registered group handler, as GrpcTransport's receiving threads do. No
// gRPC, no sockets.
//
// Faults: links can be cut (one way or both), an endpoint isolated, and a filter can drop (or
// observe) any message. A message to an address with no endpoint, or over a cut link, is
// dropped and its peer reported unreachable to the sending group (as a failed connection
// would); a message the filter rejects is lost silently (as on a lossy wire).
//
// Ordering and threading: messages from one endpoint to another arrive in send order; each
// endpoint has one delivery thread, which also runs its groups' on_unreachable callbacks.
//
// Thread-safety: every method may be called from any thread. Endpoints must be destroyed before
// the hub. The filter runs on the sending thread and must not call into the hub.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/result.h"
#include "ha/raft/transport/transport.h"

namespace ozone::raft {

struct LocalTransportHubOptions {
  // Bytes of messages queued for one endpoint (Message::ByteSize()); Send drops beyond it.
  // Default: 64 MiB.
  size_t max_queue_bytes = size_t{64} << 20;
};

class LocalTransportHub {
 public:
  // Returns false to drop the message. Called on the sender's thread, before the link check.
  using Filter = std::function<bool(const std::string& from, const std::string& to,
                                    const GroupId& group, const Message& message)>;

  explicit LocalTransportHub(LocalTransportHubOptions options = {});
  // REQUIRES: every endpoint was destroyed.
  ~LocalTransportHub();
  LocalTransportHub(const LocalTransportHub&) = delete;
  LocalTransportHub& operator=(const LocalTransportHub&) = delete;

  // A new endpoint at `address` (any string: "n1", "127.0.0.1:9894"). AlreadyExists if an
  // endpoint there is alive. The endpoint leaves the hub when shut down or destroyed.
  Result<std::unique_ptr<Transport>> CreateEndpoint(const std::string& address);

  // Cuts the link from `from` to `to` (messages that way are dropped, reported unreachable).
  void CutLink(const std::string& from, const std::string& to);
  // Cuts both directions between `a` and `b`.
  void Partition(const std::string& a, const std::string& b);
  // Cuts every link to and from `address`.
  void Isolate(const std::string& address);
  // Restores both directions between `a` and `b` (and lifts an isolation of either).
  void Heal(const std::string& a, const std::string& b);
  // Restores every link.
  void HealAll();
  // Installs `filter` (empty: none) for every later Send.
  void SetFilter(Filter filter);

  // Waits until every message sent so far has been delivered or dropped and no handler is
  // running. False on timeout.
  bool WaitUntilIdle(std::chrono::milliseconds timeout);

  // Messages the filter dropped.
  uint64_t dropped_by_filter() const;

 private:
  class Endpoint;
  friend class Endpoint;

  bool Blocked(const std::string& from, const std::string& to) const;  // REQUIRES: mu_ held
  // Routes `message` from `sender`. Called by Endpoint::Send.
  void Route(Endpoint* sender, const GroupId& group, const std::string& to, Message message);
  void Remove(Endpoint* endpoint);
  void AddPending(size_t n);
  void DonePending(size_t n);

  const LocalTransportHubOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Endpoint*> endpoints_;  // GUARDED_BY(mu_)
  std::set<std::pair<std::string, std::string>> cut_;     // GUARDED_BY(mu_): (from, to)
  std::set<std::string> isolated_;                        // GUARDED_BY(mu_)
  std::shared_ptr<const Filter> filter_;                  // GUARDED_BY(mu_)
  uint64_t dropped_by_filter_ = 0;                        // GUARDED_BY(mu_)

  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  size_t pending_ = 0;  // GUARDED_BY(idle_mu_): events queued or being handled
};

}  // namespace ozone::raft
