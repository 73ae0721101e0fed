// RaftServer: one server of one Raft group, running the protocol core (RaftCore) with threads:
//   - the protocol strand: feeds the core its inputs (messages, proposals, ticks, persistence and
//     apply acknowledgements) and handles each Ready: sends messages through the Transport,
//     hands hard state and entries to the LogWriter (group commit), passes committed entries on;
//   - the apply strand: applies committed entries to the StateMachine in order, completes the
//     futures of proposals, serves reads once applied, takes snapshots, installs snapshots;
//   - the LogWriter thread (group commit, one fdatasync per batch).
// Strands run on a ThreadPool shared by every group of the process (RaftRuntime), as is the
// Transport and the ticker.
//
// Proposals complete once applied on this server: with the state machine's result, or
//   NotLeader      this server is not the leader (the message names the leader, see leader());
//   Busy           a leadership transfer is in progress, or too much is uncommitted;
//   LeadershipLost (Aborted) another leader's entry took the proposal's place in the log;
//   Timeout        not applied within RaftServerOptions::request_timeout;
//   Aborted        the server stopped.
//
// Thread-safety: every public method may be called from any thread. Callbacks run on the
// server's strands: they must not block.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "ha/raft/core/raft_core.h"
#include "ha/raft/log/log_writer.h"
#include "ha/raft/log_store.h"
#include "ha/raft/server/raft_runtime.h"
#include "ha/raft/server/state_machine.h"
#include "ha/raft/transport/transport.h"

namespace ozone::raft {

struct RaftServerOptions {
  // Protocol options; election and heartbeat timeouts are in ticks of `tick_interval`.
  // Defaults: election 30 ticks (300-600 ms), heartbeat 3 ticks (30 ms).
  RaftOptions raft;
  // How long a proposal, read, membership change or transfer may take. Default: 30 s.
  std::chrono::milliseconds request_timeout{30'000};
  // Take a state machine snapshot every this many applied entries (0: never on its own).
  // Default: 10000.
  uint64_t snapshot_threshold = 10'000;
  // After a snapshot through index i, purge the log through i - purge_gap, so lagging followers
  // can still be served from the log. Default: 10000. (Ozone: OM 1,000,000; SCM never purges.)
  uint64_t purge_gap = 10'000;
  // Purge the log after snapshots at all. Default: true.
  bool purge_enabled = true;
  // Peers to reach before the log says where they are: a server that joins an existing group
  // learns the configuration from the leader, but must be able to answer it first.
  std::vector<PeerInfo> known_peers;
  // A follower applies the entries it learns are committed once per tick, in one batch, instead
  // of after every round of messages. No client waits for a follower's apply (proposals and
  // reads complete on the leader), and on a loaded machine it competes for the CPU with the
  // commit path of the next entries (the leader's write and its acknowledgements). A follower
  // applies at once when `max_deferred_apply` entries wait, when it stops being a follower, when
  // an event is to be delivered, or when a request of its own (a read, a proposal made while it
  // led) waits for them; and what it holds is applied before Stop returns. Default: true.
  bool defer_follower_apply = true;
  // The most committed entries a follower holds back (see defer_follower_apply). Default: 1024.
  size_t max_deferred_apply = 1024;
  // Called once when the replica cannot go on (its log or state machine failed): it must not
  // skip an entry, so it stops. Runs on a server thread. Default: log and abort the process.
  std::function<void(const Status&)> on_fatal;
};

// What Roles() reports of each member.
struct PeerStatus {
  PeerInfo peer;
  std::string role;  // LEADER, FOLLOWER, CANDIDATE, LEARNER (from this server's view)
  Term term;         // the group's term as this server knows it
  LogIndex match;    // leader's view; this server's persisted index for itself
  LogIndex commit;   // the commit index the peer last reported (this server's own for itself)
  LogIndex applied;  // known for this server only (0 for the others)
};

struct RaftStatus {
  PeerId self;
  GroupId group;
  Role role = Role::kFollower;
  Term term;
  std::optional<PeerId> leader;
  bool leader_ready = false;
  LogIndex commit;
  LogIndex applied;
  LogIndex last_index;
  Configuration configuration;
  std::vector<PeerStatus> peers;
};

class RaftServer {
 public:
  using ProposeCallback = std::function<void(Result<std::string>)>;
  using StatusCallback = std::function<void(Status)>;

  // Opens the server on `log` (already opened: SegmentedLog or MemoryLogStore) and starts it.
  // `runtime`, `log` and `state_machine` must outlive the server.
  static Result<std::unique_ptr<RaftServer>> Start(RaftRuntime* runtime, GroupId group, PeerId self,
                                                   LogStore* log, StateMachine* state_machine,
                                                   RaftServerOptions options);
  // Stop().
  ~RaftServer();
  RaftServer(const RaftServer&) = delete;
  RaftServer& operator=(const RaftServer&) = delete;

  // Writes the first configuration of a new group into an empty log (`ozone scm --init`):
  // a kConfig entry at index 1, term 1. FailedPrecondition if the log is not empty.
  static Status Bootstrap(LogStore* log, const Configuration& initial);

  // Replicates `command`; `done` runs once it is applied here (see the header comment).
  void ProposeAsync(std::string command, ProposeCallback done);
  std::future<Result<std::string>> Propose(std::string command);

  // A linearizable read point: `done` runs with OK once this server (the leader) has applied
  // everything committed when the read was asked, so a local read is linearizable.
  void ReadIndexAsync(StatusCallback done);
  std::future<Status> ReadIndex();

  // Hands leadership to `target` (nullopt: the most up-to-date follower). Completes once the
  // new leader is known to be in place, or fails (Timeout, Aborted, NotLeader).
  std::future<Status> TransferLeadership(std::optional<PeerId> target);

  // Membership, one change at a time; each completes once its configuration entry is applied.
  std::future<Status> AddLearner(PeerInfo peer);
  std::future<Status> Promote(PeerId peer);
  std::future<Status> Remove(PeerId peer);
  // AddLearner, wait until it has caught up, Promote.
  Status AddVoter(const PeerInfo& peer, std::chrono::milliseconds timeout);

  // The state of the group as this server sees it.
  RaftStatus GetStatus() const;
  // Every member with its role, term and indexes (GetStatus().peers).
  std::vector<PeerStatus> Roles() const { return GetStatus().peers; }
  // The leader's id and address if known.
  std::optional<PeerInfo> LeaderInfo() const;
  bool IsLeader() const;
  bool IsLeaderReady() const;

  const GroupId& group() const { return group_; }
  const PeerId& id() const { return self_; }

  // Takes a state machine snapshot soon (on the apply strand, whatever the threshold) and purges
  // the log up to it, whatever the purge gap (OM prepare, as Ratis' onSnapshotInstalled). Any
  // thread.
  void RequestSnapshot();

  // Stops the strands, the writer and the transport registration; pending requests fail with
  // Aborted. Idempotent.
  void Stop();

 private:
  struct Pending {
    Term term;
    ProposeCallback done;
    std::chrono::steady_clock::time_point deadline;
  };
  struct PendingRead {
    StatusCallback done;
    std::chrono::steady_clock::time_point deadline;
  };

  RaftServer(RaftRuntime* runtime, GroupId group, PeerId self, LogStore* log,
             StateMachine* state_machine, RaftServerOptions options);
  Status Init();

  // Committed entries and events for the apply strand, from one Ready.
  struct ApplyWork {
    std::vector<Entry> committed;
    std::vector<Event> events;
  };

  // --- protocol strand ---
  void OnMessages(std::vector<Message> messages);
  void OnTick();
  void ProcessReady();
  void HandleReady(Ready rd);
  // Hands what the handled Readies committed (and their events) to the apply strand, in order.
  void FlushApplyWork();
  // Whether a follower may hold the apply work until the next tick (defer_follower_apply).
  bool MayDeferApply();
  // Applies `work` in order (apply strand).
  void RunApplyWork(std::vector<ApplyWork> work);
  void SendMessage(Message m);
  std::string AddressOf(const PeerId& peer) const;
  void UpdateStatus();
  void ScheduleProcessReady();
  void PostProtocol(std::function<void()> task);
  // As PostProtocol, but runs inline when the protocol strand is idle (see Strand::Dispatch).
  void DispatchProtocol(std::function<void()> task, int then_max = 16);
  void PostApply(std::function<void()> task);
  void DispatchApply(std::function<void()> task);
  void StartSnapshotInstall(const SnapshotMeta& meta);
  void FailLocal(const Status& status);
  void ExpireRequests();

  // --- apply strand ---
  void ApplyEntries(std::vector<Entry> entries);
  void DeliverEvents(std::vector<Event> events);
  void MaybeSnapshot();
  // Purges the log up to `purge_gap` entries before the snapshot (0: all it covers).
  void TakeSnapshot(uint64_t purge_gap);
  void ServeReads();

  void CompleteProposal(LogIndex index, Term term, Result<std::string> result);
  std::string NotLeaderMessage() const;
  std::future<Status> ChangeConfig(ConfigChange change);

  RaftRuntime* runtime_;
  GroupId group_;
  PeerId self_;
  LogStore* log_;
  StateMachine* sm_;
  RaftServerOptions options_;

  std::unique_ptr<RaftCore> core_;  // protocol strand only
  std::unique_ptr<LogWriter> writer_;
  std::shared_ptr<Strand> protocol_;
  std::shared_ptr<Strand> apply_;
  uint64_t ticker_id_ = 0;
  std::atomic<bool> tick_waiting_{false};  // a tick is posted to the protocol strand
  std::atomic<bool> stopped_{false};
  std::atomic<bool> failed_{false};

  // Addresses of peers: the configuration's, plus options.known_peers. Protocol strand only.
  std::map<PeerId, std::string> addresses_;

  // Requests waiting for the log to reach them. Shared by the strands.
  mutable std::mutex pending_mu_;
  std::map<LogIndex, Pending> proposals_;               // by log index
  std::map<uint64_t, PendingRead> reads_asked_;         // by request id, before a ReadState
  std::multimap<LogIndex, PendingRead> reads_waiting_;  // by index to be applied
  std::vector<std::pair<std::chrono::steady_clock::time_point, StatusCallback>> transfers_;
  uint64_t next_read_id_ = 1;
  LogIndex applied_;  // guarded by pending_mu_ (written by the apply strand)

  // Protocol strand only.
  bool process_scheduled_ = false;
  // What the Readies of one ProcessReady round committed, applied after the round: a Ready whose
  // entries were made durable on this thread is acknowledged to the core at once, so the message
  // it releases (a follower's append acknowledgement) goes out in the same round, before the
  // apply of earlier entries rather than behind it. A follower may hold it longer (see
  // RaftServerOptions::defer_follower_apply).
  std::vector<ApplyWork> apply_work_;
  size_t apply_work_entries_ = 0;           // committed entries in apply_work_
  bool apply_work_urgent_ = false;          // apply_work_ holds events or serves reads
  std::optional<uint64_t> persisted_here_;  // a Ready id made durable inside Persist
  int ticks_ = 0;

  // Apply strand only.
  uint64_t applied_since_snapshot_ = 0;
  bool installing_ = false;

  // A copy of the core's state for readers on other threads.
  mutable std::mutex status_mu_;
  RaftStatus status_;
};

}  // namespace ozone::raft
