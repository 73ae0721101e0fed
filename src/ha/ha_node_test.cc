// HaNode end to end: three nodes in one process on 127.0.0.1, each with its Raft log, gRPC
// transport, DbStateMachine (the toy KV handler), HaContext, ServiceManager and a checkpoint
// server, as an SCM would run them.
#include "ha/ha_node.h"
#include "ha/learner_promoter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "ha/server/checkpoint_transfer_server.h"
#include "ha/testing/kv_apply_handler.h"
#include "tests/testutil/ports.h"
#include "tests/testutil/subprocess.h"

namespace ozone::ha {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::KvApplyHandler;

constexpr char kCluster[] = "CID-ha-node-test";
constexpr char kGroup[] = "group-ha-node-test";

// Polls `pred` (the Raft state of several nodes has no single event to wait on).
bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 20s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

struct Node {
  raft::PeerId id;
  std::string address;  // Raft
  std::string dir;
  std::unique_ptr<KvApplyHandler> handler;
  std::unique_ptr<DbStateMachine> sm;
  std::unique_ptr<CheckpointTransferServer> checkpoints;
  std::unique_ptr<HaContext> context;
  std::unique_ptr<ServiceManager> services;
  std::shared_ptr<BackgroundService> flusher;  // the leader's transaction buffer timer
  std::atomic<int> became_leader{0};
  std::unique_ptr<HaNode> node;
};

class HaNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<testutil::PortBlock> ports = testutil::PortBlock::Claim();
    ASSERT_TRUE(ports.ok()) << ports.status();
    ports_.emplace(std::move(ports).value());
    for (int i = 1; i <= 3; ++i) {
      auto n = std::make_unique<Node>();
      n->id = "scm" + std::to_string(i);
      n->address = "127.0.0.1:" + std::to_string(ports_->Next());
      n->dir = tmp_.Sub(n->id);
      initial_.peers.push_back(raft::PeerInfo{n->id, n->address, raft::PeerRole::kVoter});
      nodes_[n->id] = std::move(n);
    }
    for (auto& [id, n] : nodes_) {
      ASSERT_TRUE(HaNode::Bootstrap(n->dir + "/ratis", initial_).ok());
      StartNode(*n);
    }
  }

  void TearDown() override {
    for (auto& [id, n] : nodes_) StopNode(*n);
  }

  void StartNode(Node& n) {
    n.handler = std::make_unique<KvApplyHandler>();
    DbStateMachineOptions so;
    so.db_path = n.dir + "/kv.db";
    so.definition = &testing::KvDbDefinition();
    so.transaction_info_table = testing::kKvTransactionInfoTable;
    so.sync = false;
    GrpcCheckpointFetcherOptions fo;
    fo.cluster_id = kCluster;
    fo.address_of = [this](const raft::PeerInfo& peer) -> Result<std::string> {
      std::lock_guard<std::mutex> l(mu_);
      auto it = checkpoint_addresses_.find(peer.id);
      if (it == checkpoint_addresses_.end()) return Status::NotFound("no checkpoint server");
      return it->second;
    };
    auto sm = DbStateMachine::Open(so, n.handler.get(), MakeGrpcCheckpointFetcher(fo));
    ASSERT_TRUE(sm.ok()) << sm.status();
    n.sm = std::move(sm).value();

    CheckpointTransferOptions co;
    co.cluster_id = kCluster;
    DbStateMachine* raw_sm = n.sm.get();
    co.create_checkpoint = [raw_sm](const std::string& dir) {
      return raw_sm->CreateCheckpoint(dir);
    };
    co.scratch_dir = n.sm->snapshot_dir();
    auto cs = CheckpointTransferServer::Start("127.0.0.1:0", co);
    ASSERT_TRUE(cs.ok()) << cs.status();
    n.checkpoints = std::move(cs).value();
    {
      std::lock_guard<std::mutex> l(mu_);
      checkpoint_addresses_[n.id] = "127.0.0.1:" + std::to_string(n.checkpoints->port());
    }

    n.context = std::make_unique<HaContext>();
    n.context->SetSafeMode(SafeModeStatus::kOutOfSafeMode);
    n.services = std::make_unique<ServiceManager>();
    n.flusher = std::make_shared<BackgroundService>(
        BackgroundServiceOptions{.name = "TransactionMonitor", .interval = 1h}, n.context.get(),
        [raw_sm] { raw_sm->FlushIfNeeded(0ms).IgnoreError(); });
    n.services->Register(n.flusher);

    HaNodeOptions o;
    o.group_id = kGroup;
    o.self_id = n.id;
    o.ratis_listen_address = n.address;
    o.cluster_id = kCluster;
    o.log_dir = n.dir + "/ratis";
    o.log.max_segment_size = 8 << 10;  // small segments: purges remove files
    o.log.preallocate_size = 0;
    o.known_peers = initial_.peers;
    // 300-600 ms: short for a test, and longer than most fsync stalls of a loaded disk.
    o.server.raft.election_ticks = 30;
    o.server.raft.heartbeat_ticks = 3;
    o.server.raft.check_quorum = check_quorum_;
    o.server.request_timeout = 10s;
    o.server.snapshot_threshold = 20;
    o.server.purge_gap = 5;
    o.server.on_fatal = [id = n.id](const Status& s) { ADD_FAILURE() << id << " fatal: " << s; };
    o.runtime.threads = 2;
    o.request_timeout = request_timeout_;
    auto node = HaNode::Start(o, n.sm.get(), n.context.get(), n.services.get());
    ASSERT_TRUE(node.ok()) << node.status();
    n.node = std::move(node).value();
    Node* raw = &n;
    n.node->OnBecameLeader([raw] { ++raw->became_leader; });
  }

  // What StartNode gives the nodes (a test fixture's constructor may change them).
  std::chrono::milliseconds request_timeout_ = 10s;
  bool check_quorum_ = true;

  void StopNode(Node& n) {
    if (n.node) n.node->Stop();
    n.node.reset();
    if (n.flusher) n.flusher->Stop();
    if (n.checkpoints) n.checkpoints->Stop();
    n.checkpoints.reset();
    n.sm.reset();
  }

  // The leader every running node agrees on, once it is ready.
  Node* StableLeader() {
    std::optional<raft::PeerId> leader;
    for (auto& [id, n] : nodes_) {
      if (!n->node) continue;
      auto l = n->node->Leader();
      if (!l || (leader && *leader != l->id)) return nullptr;
      leader = l->id;
    }
    if (!leader || !nodes_.count(*leader)) return nullptr;
    Node* n = nodes_.at(*leader).get();
    return n->node && n->context->IsLeaderReady() ? n : nullptr;
  }
  Node& WaitForLeader() {
    Node* leader = nullptr;
    EXPECT_TRUE(WaitUntil([&] { return (leader = StableLeader()) != nullptr; }));
    return leader ? *leader : *nodes_.begin()->second;
  }
  std::vector<Node*> Followers(const Node& leader) {
    std::vector<Node*> out;
    for (auto& [id, n] : nodes_) {
      if (n.get() != &leader && n->node) out.push_back(n.get());
    }
    return out;
  }
  // Waits until every running node applied what `leader` applied.
  bool WaitConverged(Node& leader) {
    return WaitUntil([&] {
      auto want = leader.handler->data();
      for (auto& [id, n] : nodes_) {
        if (n->node && n->handler->data() != want) return false;
      }
      return true;
    });
  }
  // Whether `s` refuses a request because leadership moved while it was under way.
  static bool LeadershipMoved(const Status& s) {
    return s.IsNotLeader() || (s.IsAborted() && s.message().rfind("LeadershipLost", 0) == 0);
  }
  static const Status& StatusOf(const Status& s) { return s; }
  template <typename T>
  static Status StatusOf(const Result<T>& r) {
    return r.status();
  }
  // Runs `op` on the leader of the moment, and again on the next leader while leadership moves
  // under it. A test that is not about elections must not depend on its first leader staying:
  // an fsync stalled past the election timeout (a loaded CI disk) delays the followers' answers,
  // and check-quorum makes the leader step down.
  template <typename Op>
  auto OnLeader(Op op) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (true) {
      auto r = op(WaitForLeader());
      if (!LeadershipMoved(StatusOf(r)) || std::chrono::steady_clock::now() > deadline) return r;
    }
  }
  // Transfers leadership to `target` from the leader of the moment, again while an attempt fails
  // the way a loaded machine makes it fail: the transfer times out (the target's campaign, with
  // its vote fsyncs, took longer than an election timeout; seen in CI under ctest -j2), leadership
  // went elsewhere, or the leader changed before the call. Returns the attempts made, 0 on an
  // error of another kind (reported) or after a minute.
  int TransferTo(Node& target) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    for (int attempt = 1; std::chrono::steady_clock::now() < deadline; ++attempt) {
      Node& leader = WaitForLeader();
      if (&leader == &target) return attempt;
      Status s = leader.node->TransferLeadership(target.id);
      if (s.ok()) return attempt;
      if (!s.IsTimeout() && !s.IsAborted() && !s.IsNotLeader()) {
        ADD_FAILURE() << "transfer to " << target.id << ": " << s;
        return 0;
      }
    }
    ADD_FAILURE() << "no transfer to " << target.id << " within a minute";
    return 0;
  }
  // Puts k<i> = v<i><padding> for i in [from, to) through the leader of the moment (a put
  // repeated after a lost leadership writes the same value again).
  void Put(int from, int to, size_t padding = 0) {
    for (int i = from; i < to; ++i) {
      std::string put =
          "put k" + std::to_string(i) + " v" + std::to_string(i) + std::string(padding, 'x');
      Result<std::string> r = OnLeader([&](Node& leader) { return leader.node->Submit(put); });
      ASSERT_TRUE(r.ok()) << r.status();
    }
  }

  std::optional<testutil::PortBlock> ports_;  // the nodes' Raft ports
  testutil::TempDir tmp_;
  raft::Configuration initial_;
  std::map<raft::PeerId, std::unique_ptr<Node>> nodes_;
  std::mutex mu_;
  std::map<raft::PeerId, std::string> checkpoint_addresses_;  // guarded by mu_
};

TEST_F(HaNodeTest, ReplicatesAndKeepsHaContextInStep) {
  Node& leader = WaitForLeader();
  EXPECT_TRUE(leader.context->IsLeader());
  EXPECT_EQ(leader.became_leader.load(), 1);
  EXPECT_TRUE(leader.node->IsLeaderReady());
  // Told right after the context became ready (see TransfersLeadership).
  EXPECT_TRUE(WaitUntil([&] { return leader.flusher->ShouldRun(); }));
  ASSERT_TRUE(leader.context->TermOfLeader().ok());
  EXPECT_EQ(*leader.context->TermOfLeader(), leader.node->Status().term);
  std::string hint = leader.id + "[" + leader.address + "]";
  EXPECT_EQ(leader.context->LeaderHint(), hint);

  Result<std::string> r = leader.node->Submit("put a 1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "");
  EXPECT_EQ(*leader.node->Submit("put a 2"), "1");
  ASSERT_TRUE(leader.node->ReadBarrier().ok());
  ASSERT_TRUE(WaitConverged(leader));

  for (Node* f : Followers(leader)) {
    EXPECT_EQ(f->handler->Get("a"), "2");
    EXPECT_FALSE(f->context->IsLeader());
    EXPECT_FALSE(f->context->IsLeaderReady());
    EXPECT_FALSE(f->flusher->ShouldRun());
    EXPECT_EQ(f->became_leader.load(), 0);
    EXPECT_TRUE(WaitUntil([&] { return f->context->LeaderHint() == hint; }));
    Result<std::string> refused = f->node->Submit("put b 1");
    ASSERT_TRUE(refused.status().IsNotLeader()) << refused.status();
    EXPECT_NE(refused.status().message().find(leader.id), std::string::npos);
    EXPECT_TRUE(f->node->ReadBarrier().IsNotLeader());
  }
  auto roles = leader.node->Roles();
  ASSERT_EQ(roles.size(), 3u);
  int leaders = 0;
  for (const auto& p : roles) leaders += p.role == "LEADER";
  EXPECT_EQ(leaders, 1);
}

TEST_F(HaNodeTest, AWipedFollowerCatchesUpThroughACheckpoint) {
  Node& leader = WaitForLeader();
  Node& victim = *Followers(leader).front();
  StopNode(victim);
  fs::remove_all(victim.dir);

  // Enough entries for snapshots (every 20) and purges (5 behind), over several segments (8 KiB):
  // index 1 is gone.
  Put(0, 60, /*padding=*/1000);
  ASSERT_TRUE(WaitUntil([&] { return leader.sm->flushed().index >= LogIndex(40); }));

  StartNode(victim);
  ASSERT_TRUE(WaitConverged(leader)) << victim.handler->data().size() << " keys on " << victim.id;
  EXPECT_GE(victim.handler->reloads(), 2u);  // open, then the installed checkpoint
  EXPECT_GE(victim.sm->applied().index, LogIndex(60));
  // It keeps following.
  Put(60, 65);
  ASSERT_TRUE(WaitConverged(leader));
  EXPECT_EQ(victim.handler->Get("k64"), "v64");
}

TEST_F(HaNodeTest, TransfersLeadership) {
  Node& leader = WaitForLeader();
  Node& target = *Followers(leader).back();
  const int attempts = TransferTo(target);
  ASSERT_GT(attempts, 0);
  ASSERT_TRUE(WaitUntil([&] { return StableLeader() == &target; }));
  // The servers agree first; each HaContext follows on its node's apply strand.
  ASSERT_TRUE(WaitUntil([&] { return target.context->IsLeader() && !leader.context->IsLeader(); }));
  // Once per leadership: a transfer that timed out may still have made the target leader once.
  if (attempts == 1) {
    EXPECT_EQ(target.became_leader.load(), 1);
  }
  EXPECT_GE(target.became_leader.load(), 1);
  // The services are told right after the context changed (HaNode's event delivery sets the
  // context, then notifies): awaited, not read at once.
  EXPECT_TRUE(WaitUntil([&] { return target.flusher->ShouldRun(); }));
  EXPECT_FALSE(leader.context->IsLeader());
  EXPECT_TRUE(WaitUntil([&] { return !leader.flusher->ShouldRun(); }));
  ASSERT_TRUE(target.node->Submit("put after-transfer 1").ok());
  ASSERT_TRUE(WaitConverged(target));
}

TEST_F(HaNodeTest, RemovesAFollowerButNotTheLeader) {
  Node& leader = WaitForLeader();
  Status refused = leader.node->RemovePeer(leader.id);
  EXPECT_EQ(refused.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(refused.message(), "Cannot remove current leader.");

  Node& victim = *Followers(leader).front();
  Status removed = leader.node->RemovePeer(victim.id);
  ASSERT_TRUE(removed.ok()) << removed;
  EXPECT_FALSE(leader.node->Status().configuration.Contains(victim.id));
  StopNode(victim);
  ASSERT_TRUE(leader.node->Submit("put after-remove 1").ok());
  ASSERT_TRUE(WaitConverged(leader));
}

// An AddPeer cut short leaves a learner; the leader's LearnerPromoter finishes the job once the
// node has caught up (here through a checkpoint: the log was purged meanwhile).
TEST_F(HaNodeTest, ALearnerLeftByAnInterruptedAddIsPromotedOnceCaughtUp) {
  WaitForLeader();
  Put(0, 30);
  auto fresh = std::make_unique<Node>();
  fresh->id = "scm4";
  fresh->address = "127.0.0.1:" + std::to_string(ports_->Next());
  fresh->dir = tmp_.Sub(fresh->id);
  Node& n4 = *fresh;
  nodes_[n4.id] = std::move(fresh);
  // Not running yet: the add times out after making it a learner.
  Status cut = OnLeader([&](Node& leader) {
    return leader.node->AddPeer(raft::PeerInfo{n4.id, n4.address, raft::PeerRole::kVoter}, 50ms);
  });
  EXPECT_FALSE(cut.ok());
  raft::RaftStatus status = WaitForLeader().node->Status();
  const raft::PeerInfo* p = status.configuration.Find(n4.id);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->role, raft::PeerRole::kLearner);
  Result<std::vector<raft::PeerId>> none =
      OnLeader([](Node& leader) { return leader.node->PromoteCaughtUpLearners(); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty()) << "not caught up: left for later";

  StartNode(n4);
  // A learner meant to stay one (a listener) is left alone, caught up or not.
  EXPECT_TRUE(WaitUntil([&] {
    Node* leader = StableLeader();
    if (leader == nullptr) return false;
    Result<std::vector<raft::PeerId>> kept =
        leader->node->PromoteCaughtUpLearners([&](const raft::PeerId& id) { return id == n4.id; });
    return kept.ok() && kept->empty() &&
           n4.handler->data() == leader->handler->data();  // caught up meanwhile
  }));
  EXPECT_FALSE(WaitForLeader().node->Status().configuration.IsVoter(n4.id));
  // Every node runs the promoter, as servers do; the leader's instance is the one that works.
  std::vector<std::shared_ptr<BackgroundService>> promoters;
  for (auto& [id, n] : nodes_) {
    Node* raw = n.get();
    promoters.push_back(
        MakeLearnerPromoter([raw] { return raw->node.get(); }, raw->context.get(), nullptr, 20ms));
    promoters.back()->Start();
  }
  EXPECT_TRUE(WaitUntil([&] {
    Node* leader = StableLeader();
    return leader != nullptr && leader->node->Status().configuration.IsVoter(n4.id);
  }));
  for (auto& promoter : promoters) promoter->Stop();
  Put(30, 35);
  EXPECT_TRUE(WaitConverged(WaitForLeader()));
}

TEST_F(HaNodeTest, StopMarksTheNodeNotLeader) {
  Node& leader = WaitForLeader();
  leader.node->Stop();
  EXPECT_FALSE(leader.context->IsLeader());
  EXPECT_FALSE(leader.flusher->ShouldRun());
  EXPECT_TRUE(leader.node->Submit("put a 1").status().IsAborted());
  leader.node->Stop();  // idempotent
}

// What SubmitAsync's callback got, awaited.
class AsyncResult {
 public:
  HaNode::SubmitCallback Callback() {
    return [this](Result<std::string> r) {
      std::lock_guard<std::mutex> l(mu_);
      ++calls_;
      result_.emplace(std::move(r));
      cv_.notify_all();
    };
  }
  Result<std::string> Get() {
    std::unique_lock<std::mutex> l(mu_);
    if (!cv_.wait_for(l, 20s, [this] { return result_.has_value(); })) {
      return Status::Internal("no answer");
    }
    return *result_;
  }
  int calls() {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Result<std::string>> result_;
  int calls_ = 0;
};

TEST_F(HaNodeTest, SubmitAsyncAnswersOnceAppliedAsSubmitDoes) {
  Node& leader = WaitForLeader();
  AsyncResult first, second;
  leader.node->SubmitAsync("put a 1", first.Callback());
  leader.node->SubmitAsync("put a 2", second.Callback());
  Result<std::string> r1 = first.Get(), r2 = second.Get();
  ASSERT_TRUE(r1.ok()) << r1.status();
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(*r1, "");  // the KV handler answers the previous value
  EXPECT_EQ(*r2, "1");
  EXPECT_EQ(leader.handler->Get("a"), "2");  // applied here before the answer

  for (Node* f : Followers(leader)) {
    AsyncResult refused;
    f->node->SubmitAsync("put b 1", refused.Callback());
    Result<std::string> r = refused.Get();
    ASSERT_TRUE(r.status().IsNotLeader()) << r.status();
    EXPECT_NE(r.status().message().find(leader.id), std::string::npos);
  }
  leader.node->Stop();
  AsyncResult stopped;
  leader.node->SubmitAsync("put a 3", stopped.Callback());
  EXPECT_TRUE(stopped.Get().status().IsAborted());
  EXPECT_EQ(first.calls() + second.calls() + stopped.calls(), 3);
}

// A leader that stays leader without a majority (no check-quorum) and a short request timeout.
class HaNodeSubmitTimeoutTest : public HaNodeTest {
 protected:
  HaNodeSubmitTimeoutTest() {
    request_timeout_ = 300ms;
    check_quorum_ = false;
  }
};

TEST_F(HaNodeSubmitTimeoutTest, SubmitAsyncTimesOutLikeSubmitWithoutAMajority) {
  Node& leader = WaitForLeader();
  ASSERT_TRUE(leader.node->Submit("put a 1").ok());
  for (Node* f : Followers(leader)) StopNode(*f);
  AsyncResult late;
  auto start = std::chrono::steady_clock::now();
  leader.node->SubmitAsync("put a 2", late.Callback());
  Result<std::string> r = late.Get();
  EXPECT_TRUE(r.status().IsTimeout()) << r.status();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_TRUE(leader.node->Submit("put a 3").status().IsTimeout());
  // Stopping answers the pending proposals (Aborted) but not the submit that timed out again.
  leader.node->Stop();
  EXPECT_EQ(late.calls(), 1);
}

TEST(HaNodeStaticTest, HasRingAfterBootstrap) {
  testutil::TempDir dir;
  raft::Configuration config;
  config.peers.push_back(raft::PeerInfo{"scm1", "127.0.0.1:1", raft::PeerRole::kVoter});
  Result<bool> r = HaNode::HasRing(dir.Sub("log"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  ASSERT_TRUE(HaNode::Bootstrap(dir.Sub("log"), config).ok());
  r = HaNode::HasRing(dir.Sub("log"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_FALSE(HaNode::Bootstrap(dir.Sub("log"), config).ok());
}

TEST(HaNodeStaticTest, TransportFromConfig) {
  config::Configuration conf;
  Result<std::optional<raft::TransportKind>> kind = HaNode::TransportFromConfig(conf);
  ASSERT_TRUE(kind.ok());
  EXPECT_FALSE(kind->has_value()) << "unset: the default (TCP, or gRPC with TLS)";
  conf.Set("ozone.ha.raft.transport", "grpc");
  kind = HaNode::TransportFromConfig(conf);
  ASSERT_TRUE(kind.ok());
  EXPECT_EQ(*kind, raft::TransportKind::kGrpc);
  conf.Set("ozone.ha.raft.transport", "TCP");
  kind = HaNode::TransportFromConfig(conf);
  ASSERT_TRUE(kind.ok());
  EXPECT_EQ(*kind, raft::TransportKind::kTcp);
  conf.Set("ozone.ha.raft.transport", "carrier-pigeon");
  EXPECT_TRUE(HaNode::TransportFromConfig(conf).status().IsInvalidArgument());
}

}  // namespace
}  // namespace ozone::ha
