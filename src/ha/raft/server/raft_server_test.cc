// RaftServer end to end in one process: real strands, log writer and threads, over the
// in-process LocalTransportHub, with MemoryLogStores and a KV state machine.
#include "ha/raft/server/raft_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "ha/raft/testing/kv_state_machine.h"
#include "ha/raft/testing/memory_log_store.h"
#include "ha/raft/transport/local_transport_hub.h"
#include "tests/testutil/gate.h"

namespace ozone::raft {
namespace {

using namespace std::chrono_literals;

constexpr char kGroup[] = "group-1";

// Waits (polling the servers' state) until `pred` holds. False on timeout.
bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// A disk that can stall: while closed, every log append of the servers sharing it blocks, as
// when the one disk of a machine stops answering for a while.
using DiskGate = testutil::Gate;

struct GatedLog : MemoryLogStore {
  explicit GatedLog(DiskGate* gate) : gate(gate) {}
  Status Append(const std::vector<Entry>& entries) override {
    gate->Pass();
    return MemoryLogStore::Append(entries);
  }
  DiskGate* gate;
};

struct Member {
  PeerId id;
  std::unique_ptr<Transport> transport;
  std::unique_ptr<RaftRuntime> runtime;
  std::unique_ptr<GatedLog> log;
  std::unique_ptr<KvStateMachine> sm;
  std::unique_ptr<RaftServer> server;
};

class ServerCluster {
 public:
  // The members numbered in `tickless` never tick: they never campaign, and hold what they defer
  // (RaftServerOptions::defer_follower_apply) until it reaches the threshold.
  explicit ServerCluster(int voters, RaftServerOptions options = DefaultOptions(),
                         std::set<int> tickless = {})
      : options_(std::move(options)), tickless_(std::move(tickless)) {
    for (int i = 1; i <= voters; ++i) initial_.peers.push_back(Peer(i));
    for (int i = 1; i <= voters; ++i) {
      Add(i, /*bootstrap=*/true);
    }
  }
  ~ServerCluster() {
    disk_.Open();  // a test that failed with the disk stalled
    for (auto& [id, m] : members_) StopMember(*m);
  }

  static RaftServerOptions DefaultOptions() {
    RaftServerOptions o;
    o.raft.election_ticks = 10;  // 100-200 ms at 10 ms ticks: fast tests
    o.raft.heartbeat_ticks = 2;
    o.request_timeout = 3s;
    o.snapshot_threshold = 0;
    return o;
  }
  static PeerInfo Peer(int i) {
    return PeerInfo{"n" + std::to_string(i), "n" + std::to_string(i), PeerRole::kVoter};
  }

  Member& Add(int i, bool bootstrap) {
    auto m = std::make_unique<Member>();
    m->id = "n" + std::to_string(i);
    m->transport = *hub_.CreateEndpoint(m->id);
    RaftRuntimeOptions ro;
    ro.threads = 2;
    if (tickless_.count(i)) ro.tick_interval = std::chrono::hours(24);
    m->runtime = std::make_unique<RaftRuntime>(m->transport.get(), ro);
    m->log = std::make_unique<GatedLog>(&disk_);
    m->sm = std::make_unique<KvStateMachine>([this](const SnapshotMeta& meta, const PeerInfo& l) {
      return members_.at(l.id)->sm->SnapshotAt(meta.index);
    });
    if (bootstrap) {
      EXPECT_TRUE(RaftServer::Bootstrap(m->log.get(), initial_).ok());
    }
    Member& ref = *m;
    members_[m->id] = std::move(m);
    StartMember(ref);
    return ref;
  }

  void StartMember(Member& m) {
    RaftServerOptions o = options_;
    o.known_peers = initial_.peers;
    auto s = RaftServer::Start(m.runtime.get(), kGroup, m.id, m.log.get(), m.sm.get(), o);
    ASSERT_TRUE(s.ok()) << s.status();
    m.server = std::move(*s);
  }
  void StopMember(Member& m) {
    if (m.server) m.server->Stop();
    m.server.reset();
  }

  Member& member(const PeerId& id) { return *members_.at(id); }
  RaftServer& server(const PeerId& id) { return *members_.at(id)->server; }
  LocalTransportHub& hub() { return hub_; }
  DiskGate& disk() { return disk_; }

  // The id of the single leader that all running members agree on.
  std::optional<PeerId> StableLeader() {
    std::optional<PeerId> leader;
    for (auto& [id, m] : members_) {
      if (!m->server) continue;
      auto st = m->server->GetStatus();
      if (!st.leader) return std::nullopt;
      if (leader && *leader != *st.leader) return std::nullopt;
      leader = st.leader;
    }
    if (!leader || !members_.count(*leader) || !members_.at(*leader)->server) return std::nullopt;
    if (!members_.at(*leader)->server->IsLeaderReady()) return std::nullopt;
    return leader;
  }
  PeerId WaitForLeader() {
    std::optional<PeerId> leader;
    EXPECT_TRUE(WaitUntil([&] { return (leader = StableLeader()).has_value(); }));
    return leader.value_or("");
  }

 private:
  RaftServerOptions options_;
  std::set<int> tickless_;
  Configuration initial_;
  DiskGate disk_;  // shared by every member's log, as one machine's disk
  LocalTransportHub hub_;
  std::map<PeerId, std::unique_ptr<Member>> members_;
};

TEST(RaftServerTest, ReplicatesProposalsToEveryServer) {
  ServerCluster c(3);
  PeerId leader = c.WaitForLeader();
  std::vector<std::future<Result<std::string>>> futures;
  for (int i = 0; i < 200; ++i) {
    futures.push_back(
        c.server(leader).Propose("put k" + std::to_string(i % 10) + " v" + std::to_string(i)));
  }
  for (int i = 0; i < 200; ++i) {
    auto r = futures[i].get();
    ASSERT_TRUE(r.ok()) << r.status();
    // The result is the previous value of the key.
    EXPECT_EQ(*r, i < 10 ? "" : "v" + std::to_string(i - 10));
  }
  LogIndex last = c.member(leader).sm->applied();
  for (const char* n : {"n1", "n2", "n3"}) {
    ASSERT_TRUE(c.member(n).sm->WaitApplied(last, 5s)) << n;
    EXPECT_EQ(c.member(n).sm->Get("k3"), "v193") << n;
  }
  EXPECT_EQ(c.member(leader).sm->leader_ready_events(), 1u);
}

TEST(RaftServerTest, AFollowerHoldsItsAppliesUntilItsTickTheThresholdOrItsStop) {
  RaftServerOptions o = ServerCluster::DefaultOptions();
  o.max_deferred_apply = 20;
  ServerCluster c(3, o, /*tickless=*/{3});
  PeerId leader = c.WaitForLeader();
  ASSERT_NE(leader, "n3");
  PeerId ticking_follower = leader == "n1" ? "n2" : "n1";
  auto propose = [&](int n) {
    for (int i = 0; i < n; ++i) {
      auto r = c.server(leader).Propose("put k" + std::to_string(i) + " v");
      EXPECT_TRUE(r.get().ok());
    }
    return c.member(leader).sm->applied();
  };
  auto knows_committed = [&](LogIndex index) {
    return WaitUntil([&] { return c.server("n3").GetStatus().commit >= index; });
  };

  // A few entries: the follower that ticks applies them; n3 knows they are committed but holds
  // them, as it would until its next tick.
  LogIndex last = propose(3);
  EXPECT_TRUE(c.member(ticking_follower).sm->WaitApplied(last, 5s));
  ASSERT_TRUE(knows_committed(last));
  EXPECT_FALSE(c.member("n3").sm->WaitApplied(last, 300ms));

  // Past the threshold it applies without a tick: it never holds 20.
  last = propose(20);
  EXPECT_TRUE(WaitUntil([&] { return c.member("n3").sm->applied().value() + 20 > last.value(); }))
      << "n3 applied " << c.member("n3").sm->applied().value() << " of " << last.value();

  // What it holds when it stops (at least these two: it held fewer than 6 before them) is
  // applied before Stop returns.
  last = propose(2);
  ASSERT_TRUE(knows_committed(last));
  EXPECT_LT(c.member("n3").sm->applied(), last);
  c.StopMember(c.member("n3"));
  EXPECT_EQ(c.member("n3").sm->applied(), last);
}

TEST(RaftServerTest, AFollowerAppliesAtOnceWhenItMustNotDefer) {
  RaftServerOptions o = ServerCluster::DefaultOptions();
  o.defer_follower_apply = false;
  ServerCluster c(3, o, /*tickless=*/{3});
  PeerId leader = c.WaitForLeader();
  ASSERT_NE(leader, "n3");
  ASSERT_TRUE(c.server(leader).Propose("put x 1").get().ok());
  EXPECT_TRUE(c.member("n3").sm->WaitApplied(c.member(leader).sm->applied(), 5s));
}

TEST(RaftServerTest, FollowersAnswerNotLeaderWithTheLeader) {
  ServerCluster c(3);
  PeerId leader = c.WaitForLeader();
  PeerId follower = leader == "n1" ? "n2" : "n1";
  auto r = c.server(follower).Propose("put a b").get();
  ASSERT_TRUE(r.status().IsNotLeader()) << r.status();
  EXPECT_NE(r.status().message().find("Suggested leader is " + leader + "[" + leader + "]"),
            std::string::npos)
      << r.status();
  EXPECT_EQ(c.server(follower).LeaderInfo()->id, leader);
  EXPECT_TRUE(c.server(follower).ReadIndex().get().IsNotLeader());
}

TEST(RaftServerTest, ReadIndexIsServedOnceApplied) {
  ServerCluster c(3);
  PeerId leader = c.WaitForLeader();
  ASSERT_TRUE(c.server(leader).Propose("put x 1").get().ok());
  ASSERT_TRUE(c.server(leader).ReadIndex().get().ok());
  EXPECT_EQ(c.member(leader).sm->Get("x"), "1");
}

TEST(RaftServerTest, ANewLeaderTakesOverWhenTheLeaderStops) {
  ServerCluster c(3);
  PeerId old_leader = c.WaitForLeader();
  ASSERT_TRUE(c.server(old_leader).Propose("put before 1").get().ok());
  c.StopMember(c.member(old_leader));
  c.hub().Isolate(old_leader);
  std::optional<PeerId> leader;
  ASSERT_TRUE(WaitUntil([&] {
    leader = c.StableLeader();
    return leader && *leader != old_leader;
  }));
  ASSERT_TRUE(c.server(*leader).Propose("put after 2").get().ok());
  EXPECT_EQ(c.member(*leader).sm->Get("before"), "1");
}

TEST(RaftServerTest, TransfersLeadership) {
  ServerCluster c(3);
  PeerId leader = c.WaitForLeader();
  PeerId target = leader == "n3" ? "n2" : "n3";
  Status s = c.server(leader).TransferLeadership(target).get();
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(WaitUntil([&] { return c.StableLeader() == target; }));
  EXPECT_TRUE(c.server(target).Propose("put t 1").get().ok());
}

TEST(RaftServerTest, AddsAVoterThatStartsEmpty) {
  ServerCluster c(3);
  PeerId leader = c.WaitForLeader();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c.server(leader).Propose("put k v").get().ok());
  c.Add(4, /*bootstrap=*/false);
  Status s = c.server(leader).AddVoter(ServerCluster::Peer(4), 10s);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(c.server(leader).GetStatus().configuration.IsVoter("n4"));
  ASSERT_TRUE(c.member("n4").sm->WaitApplied(c.member(leader).sm->applied(), 5s));
  EXPECT_EQ(c.member("n4").sm->Get("k"), "v");
}

TEST(RaftServerTest, RemovesAServer) {
  ServerCluster c(3);
  PeerId leader = c.WaitForLeader();
  PeerId victim = leader == "n3" ? "n2" : "n3";
  ASSERT_TRUE(c.server(leader).Remove(victim).get().ok());
  EXPECT_FALSE(c.server(leader).GetStatus().configuration.Contains(victim));
  c.StopMember(c.member(victim));
  ASSERT_TRUE(c.server(leader).Propose("put after-remove 1").get().ok());
}

// A listener that reads the status when told of a change (OM's peer list updater) must see it:
// the status is published before the round's events are delivered.
TEST(RaftServerTest, TheStatusShowsAConfigurationChangeWhenItsEventArrives) {
  ServerCluster c(3);
  PeerId leader = c.WaitForLeader();
  PeerId victim = leader == "n3" ? "n2" : "n3";
  RaftServer* server = &c.server(leader);
  std::atomic<int> seen{0};
  std::atomic<int> stale{0};
  c.member(leader).sm->SetEventHook([&](const Event& e) {
    if (e.type != Event::Type::kConfigurationChanged) return;
    if (server->GetStatus().configuration.Contains(victim)) ++stale;
    ++seen;
  });
  ASSERT_TRUE(server->Remove(victim).get().ok());
  EXPECT_TRUE(WaitUntil([&] { return seen.load() > 0; }));
  c.member(leader).sm->SetEventHook(nullptr);
  EXPECT_EQ(stale.load(), 0) << "the event arrived before the status showed the change";
}

TEST(RaftServerTest, ANewServerCatchesUpThroughASnapshot) {
  RaftServerOptions o = ServerCluster::DefaultOptions();
  o.snapshot_threshold = 20;
  o.purge_gap = 5;
  ServerCluster c(3, o);
  PeerId leader = c.WaitForLeader();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(c.server(leader).Propose("put k" + std::to_string(i) + " v").get().ok());
  }
  // The leader's log no longer starts at 1.
  ASSERT_TRUE(WaitUntil([&] { return c.member(leader).log->FirstIndex() > LogIndex(1); }));
  c.Add(4, /*bootstrap=*/false);
  Status s = c.server(leader).AddVoter(ServerCluster::Peer(4), 10s);
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_TRUE(c.member("n4").sm->WaitApplied(c.member(leader).sm->applied(), 5s));
  EXPECT_EQ(c.member("n4").sm->data(), c.member(leader).sm->data());
  EXPECT_GT(c.member("n4").log->FirstIndex(), LogIndex(1));  // it started from the snapshot
}

TEST(RaftServerTest, ARequestedSnapshotPurgesTheWholeLogItCovers) {
  // No automatic snapshots, a purge gap far larger than the log: only the request purges.
  ServerCluster c(3);
  PeerId leader = c.WaitForLeader();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(c.server(leader).Propose("put k" + std::to_string(i) + " v").get().ok());
  }
  const LogIndex applied = c.member(leader).sm->applied();
  EXPECT_EQ(c.member(leader).log->FirstIndex(), LogIndex(1));
  c.server(leader).RequestSnapshot();
  ASSERT_TRUE(WaitUntil([&] { return c.member(leader).log->FirstIndex() > applied; }));
  // The ring goes on.
  ASSERT_TRUE(c.server(leader).Propose("put after snapshot").get().ok());
  EXPECT_EQ(c.member(leader).sm->Get("after"), "snapshot");
}

TEST(RaftServerTest, ADiskStallLongerThanAnElectionTimeoutStartsNoElection) {
  // Every server persists an isolated append on its protocol strand. When the shared disk
  // stalls, each strand is blocked in that write while its ticks keep coming; the time it could
  // not act on must not arrive afterwards as a burst of ticks, which would time out the leader's
  // check-quorum and the followers' elections before the messages received meanwhile are read.
  ServerCluster c(3);
  const PeerId leader = c.WaitForLeader();
  const Term term = c.server(leader).GetStatus().term;
  std::atomic<int> ticks{0};
  const uint64_t ticker = c.member(leader).runtime->AddTicker([&] { ++ticks; });

  c.disk().Close();
  // From another thread: a proposal to an idle strand runs its round (and the append) inline.
  auto proposal = std::async(std::launch::async,
                             [&] { return c.server(leader).Propose("put stalled 1").get(); });
  ASSERT_TRUE(c.disk().AwaitHeld(3));  // the leader's append and both followers'
  const int stalled_at = ticks.load();
  const int election_ticks = ServerCluster::DefaultOptions().raft.election_ticks;
  ASSERT_TRUE(WaitUntil([&] { return ticks.load() >= stalled_at + 5 * election_ticks; }));
  c.disk().Open();

  ASSERT_EQ(proposal.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(proposal.get().ok());
  // Time enough for a timed-out follower's election, or a leader's step-down, to show.
  const int resumed_at = ticks.load();
  ASSERT_TRUE(WaitUntil([&] { return ticks.load() >= resumed_at + 3 * election_ticks; }));
  c.member(leader).runtime->RemoveTicker(ticker);
  for (const char* id : {"n1", "n2", "n3"}) {
    RaftStatus st = c.server(id).GetStatus();
    EXPECT_EQ(st.term, term) << id;
    EXPECT_EQ(st.leader, std::optional<PeerId>(leader)) << id;
  }
}

TEST(RaftServerTest, ProposalsTimeOutWithoutAMajority) {
  RaftServerOptions o = ServerCluster::DefaultOptions();
  o.request_timeout = 300ms;
  o.raft.check_quorum = false;  // keep the leader leading while cut off
  ServerCluster c(3, o);
  PeerId leader = c.WaitForLeader();
  c.hub().Isolate(leader);
  auto r = c.server(leader).Propose("put lonely 1").get();
  EXPECT_TRUE(r.status().IsTimeout()) << r.status();
}

TEST(RaftServerTest, StopFailsPendingRequests) {
  RaftServerOptions o = ServerCluster::DefaultOptions();
  o.raft.check_quorum = false;
  ServerCluster c(3, o);
  PeerId leader = c.WaitForLeader();
  c.hub().Isolate(leader);
  auto f = c.server(leader).Propose("put never 1");
  c.StopMember(c.member(leader));
  auto r = f.get();
  EXPECT_TRUE(r.status().IsAborted()) << r.status();
}

// A one-server group on `sm`, bootstrapped and started; stopped when destroyed.
class SoloServer {
 public:
  SoloServer(StateMachine* sm, std::function<void(const Status&)> on_fatal) {
    EXPECT_TRUE(RaftServer::Bootstrap(&log_, Configuration{{PeerInfo{"solo", "solo", {}}}}).ok());
    RaftServerOptions o = ServerCluster::DefaultOptions();
    o.on_fatal = std::move(on_fatal);
    server_ = *RaftServer::Start(&runtime_, kGroup, "solo", &log_, sm, o);
  }
  ~SoloServer() { server_->Stop(); }
  RaftServer& server() { return *server_; }

 private:
  LocalTransportHub hub_;
  std::unique_ptr<Transport> transport_ = *hub_.CreateEndpoint("solo");
  RaftRuntime runtime_{transport_.get()};
  MemoryLogStore log_;
  std::unique_ptr<RaftServer> server_;
};

TEST(RaftServerTest, ApplyFailureStopsTheReplica) {
  // A state machine that cannot apply (a local I/O error) must stop the replica, never skip.
  struct FailingSm : KvStateMachine {
    Result<std::string> Apply(const Entry& e) override {
      if (e.type == EntryType::kNormal) return Status::IoError("disk gone");
      return KvStateMachine::Apply(e);
    }
  };
  FailingSm sm;
  std::promise<Status> fatal;
  SoloServer solo(&sm, [&](const Status& s) { fatal.set_value(s); });
  ASSERT_TRUE(WaitUntil([&] { return solo.server().IsLeaderReady(); }));
  solo.server().ProposeAsync("put a b", [](Result<std::string>) {});
  auto f = fatal.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(f.get().IsIoError());
}

TEST(RaftServerTest, BatchHooksSurroundTheAnswersAndCloseWhenApplyFails) {
  // OnApplyingBatch and OnAppliedBatch pair up around the answers of a batch (a DbStateMachine
  // holds the replies in between), also when an Apply fails and the replica stops.
  struct HookedSm : KvStateMachine {
    std::atomic<int> begun{0}, ended{0};
    void OnApplyingBatch() override { ++begun; }
    void OnAppliedBatch() override { ++ended; }
    Result<std::string> Apply(const Entry& e) override {
      if (e.type == EntryType::kNormal && e.bytes() == "fail") return Status::IoError("disk gone");
      return KvStateMachine::Apply(e);
    }
  };
  HookedSm sm;
  std::promise<std::pair<int, int>> fatal;
  SoloServer solo(&sm, [&](const Status&) { fatal.set_value({sm.begun.load(), sm.ended.load()}); });
  RaftServer* server = &solo.server();
  ASSERT_TRUE(WaitUntil([&] { return server->IsLeaderReady(); }));

  std::promise<std::pair<int, int>> answered;  // the hooks' counts when the answer ran
  server->ProposeAsync("put a 1", [&](Result<std::string> r) {
    EXPECT_TRUE(r.ok()) << r.status();
    answered.set_value({sm.begun.load(), sm.ended.load()});
  });
  auto a = answered.get_future();
  ASSERT_EQ(a.wait_for(5s), std::future_status::ready);
  auto [begun, ended] = a.get();
  EXPECT_EQ(begun, ended + 1);  // inside a batch
  ASSERT_TRUE(WaitUntil([&] { return sm.ended.load() == sm.begun.load(); }));

  server->ProposeAsync("fail", [](Result<std::string>) {});
  auto f = fatal.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  auto [begun_at_fatal, ended_at_fatal] = f.get();
  EXPECT_EQ(begun_at_fatal, ended_at_fatal);  // the failed batch was closed
}

TEST(RaftServerTest, SeveralGroupsShareOneRuntimeAndTransport) {
  // Three processes' worth of endpoints, each hosting two groups (as datanodes host one group
  // per pipeline) on one runtime: one pool, one ticker, one transport.
  LocalTransportHub hub;
  struct Process {
    std::unique_ptr<Transport> transport;
    std::unique_ptr<RaftRuntime> runtime;
    std::map<GroupId, std::unique_ptr<MemoryLogStore>> logs;
    std::map<GroupId, std::unique_ptr<KvStateMachine>> sms;
    std::map<GroupId, std::unique_ptr<RaftServer>> servers;
  };
  std::vector<GroupId> groups = {"pipeline-a", "pipeline-b"};
  Configuration config;
  for (int i = 1; i <= 3; ++i) config.peers.push_back(ServerCluster::Peer(i));
  std::map<PeerId, Process> procs;
  for (int i = 1; i <= 3; ++i) {
    PeerId id = "n" + std::to_string(i);
    Process& p = procs[id];
    p.transport = *hub.CreateEndpoint(id);
    RaftRuntimeOptions ro;
    ro.threads = 2;
    p.runtime = std::make_unique<RaftRuntime>(p.transport.get(), ro);
    for (const GroupId& g : groups) {
      p.logs[g] = std::make_unique<MemoryLogStore>();
      p.sms[g] = std::make_unique<KvStateMachine>();
      ASSERT_TRUE(RaftServer::Bootstrap(p.logs[g].get(), config).ok());
      auto s = RaftServer::Start(p.runtime.get(), g, id, p.logs[g].get(), p.sms[g].get(),
                                 ServerCluster::DefaultOptions());
      ASSERT_TRUE(s.ok()) << s.status();
      p.servers[g] = std::move(*s);
    }
  }
  for (const GroupId& g : groups) {
    PeerId leader;
    ASSERT_TRUE(WaitUntil([&] {
      for (auto& [id, p] : procs) {
        if (p.servers[g]->IsLeaderReady()) leader = id;
      }
      return !leader.empty();
    }));
    for (int k = 0; k < 20; ++k) {
      ASSERT_TRUE(
          procs[leader].servers[g]->Propose("put " + g + " " + std::to_string(k)).get().ok());
    }
    LogIndex applied = procs[leader].sms[g]->applied();
    for (auto& [id, p] : procs) {
      ASSERT_TRUE(p.sms[g]->WaitApplied(applied, 5s)) << id << " " << g;
      EXPECT_EQ(p.sms[g]->Get(g), "19");
      // The other group's key never shows up in this group's state.
      EXPECT_FALSE(p.sms[g]->Get(g == groups[0] ? groups[1] : groups[0]).has_value());
    }
  }
  for (auto& [id, p] : procs) {
    for (auto& [g, s] : p.servers) s->Stop();
  }
}

// A transport that holds sends the way TcpTransport does: what a message handler sends on its
// thread leaves when the handler returns or at FlushHeldSends. It only tracks whether something
// is held on the current thread.
class HoldTrackingTransport final : public Transport {
 public:
  explicit HoldTrackingTransport(std::unique_ptr<Transport> inner) : inner_(std::move(inner)) {}
  Status RegisterGroup(const GroupId& g, GroupHandler h) override {
    auto on_messages = std::move(h.on_messages);
    h.on_messages = [on_messages = std::move(on_messages)](std::vector<Message> batch) {
      in_handler = true;
      on_messages(std::move(batch));
      in_handler = false;
      held = false;
    };
    return inner_->RegisterGroup(g, std::move(h));
  }
  void UnregisterGroup(const GroupId& g) override { inner_->UnregisterGroup(g); }
  void Send(const GroupId& g, const std::string& address, Message m) override {
    if (in_handler) held = true;
    inner_->Send(g, address, std::move(m));
  }
  void FlushHeldSends() override { held = false; }
  void Shutdown() override { inner_->Shutdown(); }
  TransportStats stats() const override { return inner_->stats(); }

  static thread_local bool in_handler;
  static thread_local bool held;

 private:
  std::unique_ptr<Transport> inner_;
};
thread_local bool HoldTrackingTransport::in_handler = false;
thread_local bool HoldTrackingTransport::held = false;

// Three servers over HoldTrackingTransport; each counts the applies and the log appends that
// happened on a thread still holding what its round sent.
class HeldSendsCluster {
 public:
  struct CheckingSm : KvStateMachine {
    std::atomic<int> applied_with_held_sends{0};
    Result<std::string> Apply(const Entry& e) override {
      if (HoldTrackingTransport::held) ++applied_with_held_sends;
      return KvStateMachine::Apply(e);
    }
  };
  struct CheckingLog : MemoryLogStore {
    std::atomic<int> appended_with_held_sends{0};
    Status Append(const std::vector<Entry>& entries) override {
      if (HoldTrackingTransport::held) ++appended_with_held_sends;
      return MemoryLogStore::Append(entries);
    }
  };
  struct Process {
    std::unique_ptr<Transport> transport;
    std::unique_ptr<RaftRuntime> runtime;
    CheckingLog log;
    CheckingSm sm;
    std::unique_ptr<RaftServer> server;
  };

  void Start() {
    Configuration config;
    for (int i = 1; i <= 3; ++i) config.peers.push_back(ServerCluster::Peer(i));
    for (const PeerInfo& peer : config.peers) {
      Process& p = procs[peer.id];
      p.transport = std::make_unique<HoldTrackingTransport>(*hub.CreateEndpoint(peer.id));
      p.runtime = std::make_unique<RaftRuntime>(p.transport.get());
      ASSERT_TRUE(RaftServer::Bootstrap(&p.log, config).ok());
      auto s = RaftServer::Start(p.runtime.get(), kGroup, peer.id, &p.log, &p.sm,
                                 ServerCluster::DefaultOptions());
      ASSERT_TRUE(s.ok()) << s.status();
      p.server = std::move(*s);
    }
  }
  // Waits for a ready leader, then proposes `n` entries one at a time and waits until every
  // server applied them.
  void ProposeOneAtATime(int n) {
    PeerId leader;
    ASSERT_TRUE(WaitUntil([&] {
      for (auto& [id, p] : procs) {
        if (p.server->IsLeaderReady()) leader = id;
      }
      return !leader.empty();
    }));
    for (int k = 0; k < n; ++k) {
      ASSERT_TRUE(procs[leader].server->Propose("put k " + std::to_string(k)).get().ok());
    }
    const LogIndex applied = procs[leader].sm.applied();
    for (auto& [id, p] : procs) ASSERT_TRUE(p.sm.WaitApplied(applied, 5s)) << id;
  }
  ~HeldSendsCluster() {
    for (auto& [id, p] : procs) {
      if (p.server) p.server->Stop();
    }
  }

  LocalTransportHub hub;  // before procs: their endpoints go first
  std::map<PeerId, Process> procs;
};

TEST(RaftServerTest, WhatARoundSentIsFlushedBeforeItsEntriesAreApplied) {
  // A follower acknowledges an append and applies what the leader committed in the same round;
  // the acknowledgement must leave first (else each commit waits for the previous apply).
  HeldSendsCluster c;
  c.Start();
  c.ProposeOneAtATime(50);
  for (auto& [id, p] : c.procs) EXPECT_EQ(p.sm.applied_with_held_sends.load(), 0) << id;
}

TEST(RaftServerTest, WhatARoundSentIsFlushedBeforeItsEntriesArePersistedInline) {
  // A leader whose round runs inside a message handler (a vote that elects it, an acknowledgement
  // processed while a proposal waits) appends and sends in that round: the appends must leave
  // before it syncs its own log on that thread, so that the followers write in parallel with it.
  HeldSendsCluster c;
  c.Start();
  c.ProposeOneAtATime(50);
  for (auto& [id, p] : c.procs) EXPECT_EQ(p.log.appended_with_held_sends.load(), 0) << id;
}

TEST(RaftServerTest, BootstrapRefusesANonEmptyLog) {
  MemoryLogStore log;
  Configuration config{{PeerInfo{"a", "a", {}}}};
  ASSERT_TRUE(RaftServer::Bootstrap(&log, config).ok());
  EXPECT_EQ(RaftServer::Bootstrap(&log, config).code(), Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace ozone::raft
