// HaNode: one SCM or OM node's membership in its Raft ring: the Raft server (log under the
// node's Ratis storage directory, transport on its Ratis port: TCP by default, gRPC when TLS is
// configured or asked for with ozone.ha.raft.transport) driving a DbStateMachine,
// keeping HaContext up to date and telling the ServiceManager about every leadership change.
// It is also the Replicator through which the node's leader logic submits state changes.
//
// Group id and peer ids follow Ozone: SCM's group is named after the cluster id and its peers
// are scmUuids; OM's group after the service id and its peers are OM node ids.
//
// Events, on the Raft server's apply strand, in order with the applied entries, after the
// DbStateMachine flushed on a leadership change: role or leader changed -> HaContext::SetLeader
// (role, term) and SetLeaderHint("<id>[<address>]") -> the OnBecameLeader callbacks if this
// node just became the leader -> ServiceManager::NotifyStatusChanged; leader ready ->
// HaContext::SetLeaderReady -> ServiceManager::NotifyStatusChanged; configuration changed
// (Ozone's notifyTermIndexUpdated on a ring change) -> ServiceManager::NotifyStatusChanged.
// Callbacks must not block
// (no Submit, no GetNextId there).
//
// Thread-safety: all methods may be called from any thread; Submit (not SubmitAsync), ReadBarrier,
// TransferLeadership, AddPeer and RemovePeer block (never call them from the apply strand or the
// callbacks).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config/configuration.h"
#include "common/result.h"
#include "ha/db_state_machine.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "ha/raft/log/segmented_log.h"
#include "ha/raft/server/raft_server.h"
#include "ha/raft/transport/transport_factory.h"
#include "ha/replicator.h"

namespace ozone::ha {

struct HaNodeOptions {
  raft::GroupId group_id;
  raft::PeerId self_id;
  // The Ratis address this node listens on ("host:port") and the cluster id checked in the
  // transport handshake.
  std::string ratis_listen_address;
  std::string cluster_id;
  // The Raft log directory of the group, and how its segments are written (Ozone's
  // ozone.scm.ha.ratis.segment.size / .preallocated.size). Default: SegmentedLogOptions' own.
  std::string log_dir;
  raft::SegmentedLogOptions log;
  // Every configured peer (from ozone-site.xml), so that a joining node can answer the leader
  // before it has the configuration. Added to server.known_peers.
  std::vector<raft::PeerInfo> known_peers;
  // The Raft server's options (timeouts, snapshot threshold, purge gap, on_fatal).
  raft::RaftServerOptions server;
  raft::RaftRuntimeOptions runtime;
  // TLS for the Raft transport (PEM); plaintext when absent.
  std::optional<std::string> tls_ca_pem, tls_cert_pem, tls_key_pem;
  // Which transport carries the Raft messages (ozone.ha.raft.transport, see TransportFromConfig).
  // Default: nullopt: TCP (raft::kDefaultTransportKind), or gRPC when TLS material is given
  // (only the gRPC transport speaks TLS; asking for TCP with TLS fails to start).
  std::optional<raft::TransportKind> transport;
  // How long Submit waits for its entry to be applied. Default: 30 s
  // (ozone.scm.ha.ratis.request.timeout).
  std::chrono::milliseconds request_timeout{30'000};
};

class HaNode : public Replicator {
 public:
  // Writes the first configuration of a new ring into an empty log (`ozone scm --init`).
  // FailedPrecondition if the log is not empty. Not while a node runs on the directory (Busy).
  static ozone::Status Bootstrap(const std::string& log_dir, const raft::Configuration& initial);
  // The transport ozone.ha.raft.transport asks for ("tcp" or "grpc"), nullopt when unset (then
  // HaNodeOptions::transport's default applies). InvalidArgument for another value.
  static Result<std::optional<raft::TransportKind>> TransportFromConfig(
      const config::Configuration& conf);
  // Whether the log at `log_dir` holds a ring already (initialized or joined: it has a
  // configuration). False for a missing or empty directory. Not while a node runs on it (Busy).
  static Result<bool> HasRing(const std::string& log_dir);

  // Starts the node: opens the log, starts the transport (bound when this returns) and the
  // Raft server; the state machine's event listener is this node's until Stop.
  // `state_machine`, `context` and `services` must outlive it.
  static Result<std::unique_ptr<HaNode>> Start(HaNodeOptions options, DbStateMachine* state_machine,
                                               HaContext* context, ServiceManager* services);
  // Stop(); releases the log and the runtime.
  ~HaNode() override;

  // Replicator: proposes `request` and returns the apply handler's response once applied here.
  // NotLeader naming the leader, Busy, Aborted ("LeadershipLost", or stopped), Timeout after
  // request_timeout.
  Result<std::string> Submit(std::string request) override;
  // Replicator: as Submit, without blocking: `done` runs once, on a Raft server thread (the apply
  // strand once applied; NotLeader, Busy, Aborted as Submit returns them; possibly the calling
  // thread when the proposal is refused at once), or on this node's timeout thread with Timeout
  // after request_timeout (the entry may still be applied later). `done` must not block.
  void SubmitAsync(std::string request, SubmitCallback done) override;

  // Called on this node becoming leader (after the state machine flushed, before the services
  // are told), e.g. to invalidate sequence id batches. May be registered at any time; a callback
  // registered after the node became leader runs on the next election it wins.
  void OnBecameLeader(std::function<void()> callback);

  std::vector<raft::PeerStatus> Roles() const;
  raft::RaftStatus Status() const;
  std::optional<raft::PeerInfo> Leader() const;
  bool IsLeaderReady() const;
  // A linearizable read point (the node is the leader and has applied all it committed).
  ozone::Status ReadBarrier();

  // Takes a snapshot of the state machine soon and compacts the Raft log up to it (OM prepare).
  void RequestSnapshot();
  // Hands leadership to `target` (nullopt: the most up-to-date follower); leader only.
  ozone::Status TransferLeadership(std::optional<raft::PeerId> target);
  // Learner, catch up, promote (leader only).
  ozone::Status AddPeer(const raft::PeerInfo& peer, std::chrono::milliseconds timeout);
  // Adds a member that stays a learner (a non-voting listener); returns once the change is
  // committed (leader only). A learner already is one: OK.
  ozone::Status AddLearner(const raft::PeerInfo& peer);
  // Promotes every learner of the ring that has caught up, except those `keep` says stay
  // learners (leader only; a learner that has not caught up is left for a later call).
  // Learners are members whose AddPeer was cut short (the leader changed or restarted, the call
  // timed out) before their promotion, and listeners. Returns the promoted ids.
  Result<std::vector<raft::PeerId>> PromoteCaughtUpLearners(
      const std::function<bool(const raft::PeerId&)>& keep = nullptr);
  // Removes a member (leader only). FailedPrecondition "Cannot remove current leader." for the
  // leader itself (Ozone's rule: transfer leadership first).
  ozone::Status RemovePeer(const raft::PeerId& peer);

  // Stops the Raft server (pending requests fail with Aborted) and the transport (the port is
  // released), detaches from the state machine, and marks this node not leader in HaContext
  // (services are told). Idempotent. The log stays locked until the destructor.
  void Stop();

 private:
  HaNode() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozone::ha
