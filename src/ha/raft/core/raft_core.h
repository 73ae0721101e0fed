// RaftCore: the Raft protocol of one server of one group, as a pure deterministic state machine.
//
// No threads, no clock, no I/O: time advances only through Tick(); randomness comes from a seed;
// durable state is read through a LogReader (the entries already persisted) and everything to
// persist, send or apply comes out in a Ready batch. This is what the deterministic simulation
// drives (src/ha/raft/sim) and what RaftServer wraps with threads, a log writer and a transport.
//
// The driving loop (RaftServer, the simulation):
//   - feed inputs: Tick(), Step(message), Propose(), ReadIndex(), ProposeConfigChange(),
//     TransferLeadership(), OnPersisted(), OnApplied(), OnSnapshotTaken(), OnSnapshotInstalled();
//   - while HasReady(): rd = TakeReady(), then
//       send rd.messages at once (they never depend on writes not yet durable: responses that
//       do are held back by the core until OnPersisted releases them; a heartbeat's response
//       depends only on the term, so a follower whose entries are still being written answers
//       it at once and a stalled disk does not cost its leader the check-quorum);
//       persist rd.hard_state and rd.entries (in order, after earlier Readies'), then call
//       OnPersisted(rd.id) when they are durable (only if rd.NeedsPersist());
//       apply rd.committed in order, then call OnApplied(last applied index);
//       serve rd.read_states once applied >= their index;
//       start fetching rd.snapshot_to_install if set.
//
// Rules implemented, with the sources they follow:
//   - elections with randomized timeouts (Raft paper §5.2), pre-vote (thesis §9.6), check-quorum
//     (a leader that has not heard from a majority within an election timeout steps down, §6.2),
//     leader lease on votes (a server that heard from a leader recently ignores votes, §4.2.3);
//   - a new leader appends a no-op of its term (§6.4); entries of earlier terms are committed
//     only indirectly, by counting replicas of current-term entries (paper §5.4.2, Figure 8);
//     the leader is "ready" once its no-op is applied (event kLeaderReady);
//   - pipelined replication with a bounded window per follower, batched by count and bytes;
//     fast backtracking with conflict hints (§5.3);
//   - leadership transfer with TimeoutNow (thesis §3.10), aborted after a timeout;
//   - single-server membership changes with learners, effective when appended (thesis §4.1,
//     §4.2.1); a removed leader steps down once the change commits (§4.2.2);
//   - ReadIndex reads confirmed by a heartbeat round (thesis §6.4);
//   - snapshots driven by the state machine; followers behind the log's start are told to install
//     the leader's snapshot, fetched out of band.
//
// A group starts from a configuration entry at index 1 (RaftServer::Bootstrap); starting from a
// snapshot at index 0 whose configuration is the founding one is not supported.
//
// Thread-safety: not thread-safe; one thread drives a RaftCore.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/result.h"
#include "ha/raft/log_store.h"
#include "ha/raft/message.h"
#include "ha/raft/types.h"

namespace ozone::raft {

struct RaftOptions {
  // Ticks without word from a leader before a follower campaigns; each server draws its timeout
  // uniformly from [election_ticks, 2 * election_ticks) anew for every term. Also the period of
  // the leader's check-quorum and the timeout of a leadership transfer. Default: 30.
  int election_ticks = 30;
  // Ticks between heartbeats from the leader. Must be < election_ticks. Default: 3.
  int heartbeat_ticks = 3;
  // Campaign with a pre-vote round first, so a partitioned server does not disrupt the group
  // when it comes back. Default: true.
  bool pre_vote = true;
  // A leader steps down when it has not heard from a quorum within an election timeout; servers
  // that heard from a leader within the minimum election timeout ignore votes. Default: true.
  bool check_quorum = true;
  // Most entries in one Append message. Default: 4096.
  size_t max_append_entries = 4096;
  // Most payload bytes in one Append message (at least one entry is always sent). Default: 1 MiB.
  size_t max_append_bytes = 1 << 20;
  // Most Append messages in flight to one follower while pipelining. Default: 64.
  size_t max_inflight_appends = 64;
  // Most bytes of entries the leader holds uncommitted; Propose fails with Busy beyond it.
  // Default: 64 MiB.
  size_t max_uncommitted_bytes = 64 << 20;
  // A learner may be promoted once its match index is within this many entries of the leader's
  // last index. Default: 1000.
  uint64_t promote_max_lag = 1000;
  // Seed of the random election timeouts. Default: 0 (the server picks one; tests fix it).
  uint64_t random_seed = 0;
};

enum class Role : uint8_t { kFollower, kPreCandidate, kCandidate, kLeader };
std::string_view RoleName(Role role);

// A linearizable read may be served once the state machine has applied `index`.
struct ReadState {
  uint64_t request_id;
  LogIndex index;
};

struct Event {
  enum class Type : uint8_t {
    kRoleChanged,           // role, term, leader (see SoftState)
    kLeaderChanged,         // leader (may be unknown), term
    kLeaderReady,           // this leader's no-op of `term` is applied: it may serve
    kConfigurationChanged,  // the configuration in effect (appended) changed
    kTransferFinished,      // a transfer this leader started ended: `status` says how
    kReadFailed,            // a ReadIndex request `request_id` cannot be served (lost leadership)
  };
  Type type;
  Term term;
  std::optional<PeerId> leader;
  Role role = Role::kFollower;
  Status status;
  uint64_t request_id = 0;
};

struct Ready {
  uint64_t id = 0;
  std::optional<HardState> hard_state;  // term or vote changed: persist before OnPersisted
  std::vector<Entry> entries;           // append; may truncate the log from entries.front().index
  std::vector<Message> messages;        // send now
  std::vector<Entry> committed;         // apply in order (all locally durable)
  std::vector<ReadState> read_states;
  std::optional<SnapshotMeta> snapshot_to_install;
  std::vector<Event> events;

  bool NeedsPersist() const { return hard_state.has_value() || !entries.empty(); }
  bool empty() const {
    return !NeedsPersist() && messages.empty() && committed.empty() && read_states.empty() &&
           !snapshot_to_install && events.empty();
  }
};

struct ConfigChange {
  enum class Type : uint8_t { kAddLearner, kPromote, kRemove };
  Type type;
  PeerInfo peer;  // kAddLearner: id and address; kPromote / kRemove: id
};

// What the leader knows of a peer's replication.
struct PeerProgress {
  PeerInfo peer;
  LogIndex match;   // highest index known replicated on the peer
  LogIndex next;    // next index to send
  LogIndex commit;  // the commit index the peer last reported
  bool recently_active = false;
  enum class State : uint8_t { kProbe, kReplicate, kSnapshot } state = State::kProbe;
};

// The state a core starts from (what LogStore::LoadState returned).
struct InitialState {
  StoredState stored;
  // The state machine's durable applied index (>= stored.snapshot.index): entries through it are
  // not handed out again. Default: 0 (apply from the snapshot on).
  LogIndex applied;
};

class RaftCore {
 public:
  // `log` holds the persisted entries; it must outlive the core. `self` need not be in the
  // configuration (a new server learns it from the leader).
  RaftCore(PeerId self, const RaftOptions& options, const LogReader* log,
           const InitialState& initial);
  ~RaftCore();
  RaftCore(const RaftCore&) = delete;
  RaftCore& operator=(const RaftCore&) = delete;

  // --- Inputs -----------------------------------------------------------------------------
  void Tick();
  // A message from a peer. Messages for stale terms are answered with the current term (appends
  // and votes) or dropped. Messages from servers outside the configuration are taken (a new
  // leader may not be in this server's configuration yet).
  void Step(Message message);
  // Appends a command. Returns its index. NotLeader (message: the leader's id, if known) on a
  // non-leader; Busy while a transfer is in progress or too much is uncommitted.
  Result<LogIndex> Propose(Payload data);
  // Asks for a linearizable read point. The answer comes as a ReadState (or a kReadFailed event)
  // with the same id. NotLeader on a non-leader.
  Status ReadIndex(uint64_t request_id);
  // One membership change at a time. Returns the index of the configuration entry.
  // FailedPrecondition if another change is not yet committed, or a learner to promote is not
  // caught up; InvalidArgument for unknown or duplicate peers.
  Result<LogIndex> ProposeConfigChange(const ConfigChange& change);
  // Hands leadership to `target` (or the most up-to-date voter if nullopt). The outcome comes as
  // a kTransferFinished event; Timeout if the target did not take over within an election
  // timeout.
  Status TransferLeadership(std::optional<PeerId> target);
  // The hard state and entries of Ready `ready_id` (and of every earlier one) are durable.
  void OnPersisted(uint64_t ready_id);
  // The state machine applied every entry through `index`.
  void OnApplied(LogIndex index);
  // The state machine's durable state covers the log through `index` (<= applied). Returns the
  // snapshot's metadata, which the server records (LogStore::SaveSnapshotMeta) and uses to purge
  // the log.
  Result<SnapshotMeta> OnSnapshotTaken(LogIndex index);
  // The state machine installed the leader's snapshot `meta` and the log was reset to it
  // (LogStore::ResetToSnapshot). The core continues from (meta.index, meta.term).
  void OnSnapshotInstalled(const SnapshotMeta& meta);
  // Installing the snapshot the core asked for failed; a later InstallSnapshot from the leader
  // is taken up again.
  void OnSnapshotInstallFailed();
  // The transport could not deliver to `peer`: slow down replication to it.
  void ReportUnreachable(const PeerId& peer);

  // --- Outputs ------------------------------------------------------------------------------
  bool HasReady() const;
  Ready TakeReady();

  // --- Queries ------------------------------------------------------------------------------
  const PeerId& id() const;
  Role role() const;
  Term term() const;
  std::optional<PeerId> leader() const;
  LogIndex commit_index() const;
  LogIndex applied_index() const;
  // The last index of the log (persisted or not).
  LogIndex last_index() const;
  // The configuration in effect (the latest appended) and the latest committed one.
  const Configuration& configuration() const;
  Configuration committed_configuration() const;
  // Per-peer replication state; meaningful on the leader.
  std::vector<PeerProgress> Progress() const;
  // The leader is ready: its no-op of this term is applied.
  bool leader_ready() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ozone::raft
