// HaNode: one SCM or OM node's membership in its Raft ring: the Raft server (log under the
// node's Ratis storage directory, gRPC transport on its Ratis port) driving a DbStateMachine,
// keeping HaContext up to date and telling the ServiceManager about every leadership change.
// It is also the Replicator through which the node's leader logic submits state changes.
//
// Group id and peer ids follow Ozone: SCM's group is named after the cluster id and its peers
// are scmUuids; OM's group after the service id and its peers are OM node ids.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "ha/db_state_machine.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"
#include "ha/raft/server/raft_server.h"
#include "ha/replicator.h"

namespace ozone::ha {

struct HaNodeOptions {
  raft::GroupId group_id;
  raft::PeerId self_id;
  // The Ratis address this node listens on ("host:port") and the cluster id checked in the
  // transport handshake.
  std::string ratis_listen_address;
  std::string cluster_id;
  // The Raft log directory of the group.
  std::string log_dir;
  // Every configured peer (from ozone-site.xml), so that a joining node can answer the leader
  // before it has the configuration.
  std::vector<raft::PeerInfo> known_peers;
  raft::RaftServerOptions server;
  raft::RaftRuntimeOptions runtime;
  // TLS for the Raft transport (PEM); plaintext when absent.
  std::optional<std::string> tls_ca_pem, tls_cert_pem, tls_key_pem;
  // How long Submit waits for its entry to be applied. Default: 30 s
  // (ozone.scm.ha.ratis.request.timeout).
  std::chrono::milliseconds request_timeout{30'000};
};

class HaNode : public Replicator {
 public:
  // Writes the first configuration of a new ring into an empty log (`ozone scm --init`).
  static Status Bootstrap(const std::string& log_dir, const raft::Configuration& initial);
  // Whether the log at `log_dir` holds a ring already (initialized or joined).
  static Result<bool> HasRing(const std::string& log_dir);

  // Starts the node. `state_machine`, `context` and `services` must outlive it.
  static Result<std::unique_ptr<HaNode>> Start(HaNodeOptions options,
                                               DbStateMachine* state_machine,
                                               HaContext* context, ServiceManager* services);
  ~HaNode() override;

  // Replicator: proposes `request` and returns the apply handler's response.
  Result<std::string> Submit(std::string request) override;

  // Called on this node becoming leader (after the state machine flushed), e.g. to invalidate
  // sequence id batches. Register before Start returns events (any time).
  void OnBecameLeader(std::function<void()> callback);

  std::vector<raft::PeerStatus> Roles() const;
  raft::RaftStatus Status() const;
  std::optional<raft::PeerInfo> Leader() const;
  bool IsLeaderReady() const;
  // A linearizable read point (the node is the leader and has applied all it committed).
  ozone::Status ReadBarrier();

  ozone::Status TransferLeadership(std::optional<raft::PeerId> target);
  // Learner, catch up, promote.
  ozone::Status AddPeer(const raft::PeerInfo& peer, std::chrono::milliseconds timeout);
  ozone::Status RemovePeer(const raft::PeerId& peer);

  void Stop();

 private:
  HaNode() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozone::ha
