// Unit tests of single Raft rules on RaftCore, staged with CoreTestCluster.
#include "ha/raft/core/raft_core.h"

#include <gtest/gtest.h>

#include "ha/raft/core/core_test_cluster.h"

namespace ozone::raft {
namespace {

using testing::CoreTestCluster;

TEST(RaftCoreTest, ElectsALeaderAndReplicates) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  EXPECT_EQ(c.core("n1").term(), Term(2));
  EXPECT_EQ(c.core("n2").leader(), "n1");
  c.Propose("n1", "a");
  c.Propose("n1", "b");
  c.TickAll(2);  // heartbeats carry the commit index to followers
  for (const char* n : {"n1", "n2", "n3"}) {
    EXPECT_EQ(c.AppliedCommands(n), (std::vector<std::string>{"a", "b"})) << n;
  }
  EXPECT_TRUE(c.HasEvent("n1", Event::Type::kLeaderReady));
  EXPECT_TRUE(c.core("n1").leader_ready());
  EXPECT_TRUE(c.core("n2").Propose(MakePayload("x")).status().IsNotLeader());
  EXPECT_EQ(c.core("n2").Propose(MakePayload("x")).status().message(), "n1");
}

TEST(RaftCoreTest, SingleNodeCommitsOnceDurable) {
  CoreTestCluster c(1);
  ASSERT_TRUE(c.Elect("n1"));
  auto idx = c.core("n1").Propose(MakePayload("solo"));
  ASSERT_TRUE(idx.ok());
  // Before the Ready is handled (persisted), nothing is committed.
  EXPECT_LT(c.core("n1").commit_index(), *idx);
  c.Process();
  EXPECT_EQ(c.core("n1").commit_index(), *idx);
  EXPECT_EQ(c.AppliedCommands("n1"), (std::vector<std::string>{"solo"}));
}

TEST(RaftCoreTest, NewLeaderAppendsNoopAndIsReadyOnlyOnceItIsApplied) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  const auto& applied = c.node("n1").applied;
  ASSERT_FALSE(applied.empty());
  EXPECT_EQ(applied.back().type, EntryType::kNoop);
  EXPECT_EQ(applied.back().term, Term(2));
  // Without followers' acknowledgements the no-op of a new term never commits: not ready.
  c.Crash("n1");
  c.Start("n1");
  c.Isolate("n2");
  c.Isolate("n3");
  for (int i = 0; i < 100; ++i) c.Tick("n1");
  EXPECT_FALSE(c.core("n1").leader_ready());
}

// Raft paper Figure 8: a leader must not commit an entry of an earlier term by counting
// replicas, or a later leader could overwrite it.
TEST(RaftCoreTest, Figure8EntriesOfEarlierTermsAreNotCommittedByCounting) {
  RaftOptions o = CoreTestCluster::DefaultOptions();
  o.check_quorum = false;
  o.max_append_entries = 1;
  CoreTestCluster c(5, 5, o);
  ASSERT_TRUE(c.Elect("n1"));  // term 2, no-op at 2 committed everywhere
  c.TickAll(2);
  ASSERT_EQ(c.core("n1").commit_index(), LogIndex(2));

  // (a) n1 appends x at 3 (term 2) and replicates it to n2 only, then crashes.
  ASSERT_TRUE(c.core("n1").Propose(MakePayload("x")).ok());
  c.Deliver([](const Message& m) { return m.to == "n2" || m.from == "n2"; });
  c.Crash("n1");
  ASSERT_EQ(c.core("n2").last_index(), LogIndex(3));

  // (b) n5 is elected (votes of n3, n4) and writes its no-op at 3 only locally, then crashes.
  ASSERT_TRUE(c.Elect("n5", [](const Message& m) { return m.type != MessageType::kAppend; }));
  EXPECT_EQ(c.core("n5").last_index(), LogIndex(3));
  Term n5_term = c.core("n5").term();
  c.Crash("n5");

  // (c) n1 restarts and is elected; it sends x (term 2) to n3, so x sits on a majority
  // (n1, n2, n3), but its own no-op (current term) reaches nobody: the network strips it.
  c.Start("n1");
  auto no_current_term_entries = [&](Message& m) {
    if (m.type == MessageType::kAppend) {
      std::vector<Entry> kept;
      for (auto& e : m.entries) {
        if (e.term == Term(2))
          kept.push_back(e);
        else
          break;
      }
      m.entries = std::move(kept);
    }
    return true;
  };
  ASSERT_TRUE(c.Elect("n1", no_current_term_entries));
  Term n1_term = c.core("n1").term();
  EXPECT_GT(n1_term, n5_term);
  for (int i = 0; i < 5; ++i) {
    c.Tick("n1");
    c.Deliver(no_current_term_entries);
  }
  ASSERT_GE(c.core("n3").last_index(), LogIndex(3));
  // The rule under test: x is on a majority, yet not committed.
  EXPECT_EQ(c.core("n1").commit_index(), LogIndex(2));
  for (const char* n : {"n1", "n2", "n3", "n4"}) {
    EXPECT_TRUE(c.AppliedCommands(n).empty()) << n;
  }

  // (d) n1 crashes; n5 comes back and wins (its last term is higher), overwriting x. Since x was
  // never committed, no server ever applied it: safety holds.
  c.Crash("n1");
  c.Start("n5");
  ASSERT_TRUE(c.Elect("n5"));
  c.Propose("n5", "y");
  c.TickAll(3);
  for (const char* n : {"n2", "n3", "n4", "n5"}) {
    EXPECT_EQ(c.AppliedCommands(n), (std::vector<std::string>{"y"})) << n;
  }
}

TEST(RaftCoreTest, ConflictingSuffixIsReplacedWithFewRoundTrips) {
  RaftOptions o = CoreTestCluster::DefaultOptions();
  o.check_quorum = false;
  CoreTestCluster c(3, 3, o);
  ASSERT_TRUE(c.Elect("n1"));
  c.TickAll(2);
  // n1 appends 50 entries that reach nobody, then loses leadership.
  c.Isolate("n1");
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c.core("n1").Propose(MakePayload("old")).ok());
  c.Deliver();
  // n2 becomes leader with the others and commits new entries.
  ASSERT_TRUE(c.Elect("n2"));
  for (int i = 0; i < 5; ++i) c.Propose("n2", "new" + std::to_string(i));
  c.Heal();
  // n1 rejoins: its 50 uncommitted entries are replaced. Count rejected appends: the conflict
  // hints let the leader skip the whole stale term at once.
  int rejections = 0;
  for (int i = 0; i < 6; ++i) {
    c.Tick("n2");
    c.Deliver([&](const Message& m) {
      if (m.type == MessageType::kAppendResponse && m.reject && m.from == "n1") ++rejections;
      return true;
    });
  }
  EXPECT_LE(rejections, 2);
  EXPECT_EQ(c.core("n1").last_index(), c.core("n2").last_index());
  EXPECT_EQ(c.AppliedCommands("n1"), c.AppliedCommands("n2"));
  EXPECT_EQ(c.AppliedCommands("n1").size(), 5u);
}

TEST(RaftCoreTest, TransferLeadershipToANamedPeer) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Propose("n1", "a");
  ASSERT_TRUE(c.core("n1").TransferLeadership(std::string("n3")).ok());
  // Proposals are refused while the transfer runs.
  EXPECT_TRUE(c.core("n1").Propose(MakePayload("b")).status().IsBusy());
  c.Deliver();
  c.TickAll(1);
  EXPECT_EQ(c.core("n3").role(), Role::kLeader);
  EXPECT_EQ(c.core("n1").leader(), "n3");
  bool finished_ok = false;
  for (const Event& e : c.node("n1").events) {
    if (e.type == Event::Type::kTransferFinished) finished_ok = e.status.ok();
  }
  EXPECT_TRUE(finished_ok);
}

TEST(RaftCoreTest, TransferToAnUnreachablePeerTimesOut) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Isolate("n3");
  ASSERT_TRUE(c.core("n1").TransferLeadership(std::string("n3")).ok());
  for (int i = 0; i < 2 * c.options().election_ticks; ++i) {
    c.Tick("n1");
    c.Deliver();
  }
  EXPECT_EQ(c.core("n1").role(), Role::kLeader);
  Status outcome = Status::OK();
  bool finished = false;
  for (const Event& e : c.node("n1").events) {
    if (e.type == Event::Type::kTransferFinished) {
      finished = true;
      outcome = e.status;
    }
  }
  EXPECT_TRUE(finished);
  EXPECT_TRUE(outcome.IsTimeout()) << outcome;
  // Proposals work again.
  EXPECT_TRUE(c.core("n1").Propose(MakePayload("after")).ok());
}

TEST(RaftCoreTest, LearnerCatchesUpAndIsPromoted) {
  CoreTestCluster c(4, 3);  // n4 starts empty, outside the configuration
  ASSERT_TRUE(c.Elect("n1"));
  for (int i = 0; i < 20; ++i) c.Propose("n1", "e" + std::to_string(i));
  // Promoting a non-member is refused; adding it as a learner works.
  EXPECT_FALSE(
      c.core("n1").ProposeConfigChange({ConfigChange::Type::kPromote, {"n4", "", {}}}).ok());
  ASSERT_TRUE(c.core("n1")
                  .ProposeConfigChange({ConfigChange::Type::kAddLearner, {"n4", "addr4", {}}})
                  .ok());
  // One change at a time.
  EXPECT_TRUE(c.core("n1")
                  .ProposeConfigChange({ConfigChange::Type::kRemove, {"n3", "", {}}})
                  .status()
                  .code() == Status::Code::kFailedPrecondition);
  c.Deliver();
  c.TickAll(3);
  EXPECT_EQ(c.core("n4").last_index(), c.core("n1").last_index());
  EXPECT_EQ(c.AppliedCommands("n4").size(), 20u);
  // A learner does not count: with n2 and n3 down nothing commits even though n4 acks.
  EXPECT_FALSE(c.core("n1").configuration().IsVoter("n4"));
  ASSERT_TRUE(
      c.core("n1").ProposeConfigChange({ConfigChange::Type::kPromote, {"n4", "", {}}}).ok());
  c.Deliver();
  c.TickAll(2);
  EXPECT_TRUE(c.core("n4").configuration().IsVoter("n4"));
  // Now n4 counts: with n3 down, n1+n2+n4 commit.
  c.Isolate("n3");
  c.Isolate("n2");
  auto idx = c.core("n1").Propose(MakePayload("needs-n4"));
  ASSERT_TRUE(idx.ok());
  c.Deliver();
  EXPECT_LT(c.core("n1").commit_index(), *idx);  // 2 of 4 voters
  c.Heal();
  c.Isolate("n3");
  c.TickAll(2);
  c.Deliver();
  EXPECT_GE(c.core("n1").commit_index(), *idx);  // n1, n2, n4: 3 of 4
}

TEST(RaftCoreTest, PromotionWaitsForTheLearnerToCatchUp) {
  RaftOptions o = CoreTestCluster::DefaultOptions();
  o.promote_max_lag = 5;
  CoreTestCluster c(4, 3, o);
  ASSERT_TRUE(c.Elect("n1"));
  c.Isolate("n4");
  ASSERT_TRUE(c.core("n1")
                  .ProposeConfigChange({ConfigChange::Type::kAddLearner, {"n4", "addr4", {}}})
                  .ok());
  for (int i = 0; i < 20; ++i) c.Propose("n1", "e");
  auto r = c.core("n1").ProposeConfigChange({ConfigChange::Type::kPromote, {"n4", "", {}}});
  EXPECT_EQ(r.status().code(), Status::Code::kFailedPrecondition) << r.status();
}

TEST(RaftCoreTest, RemovedLeaderStepsDownAndOthersContinue) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Propose("n1", "a");
  ASSERT_TRUE(c.core("n1").ProposeConfigChange({ConfigChange::Type::kRemove, {"n1", "", {}}}).ok());
  c.Deliver();
  c.TickAll(1);
  EXPECT_NE(c.core("n1").role(), Role::kLeader);
  EXPECT_FALSE(c.core("n2").configuration().Contains("n1"));
  // The removed server never campaigns; one of the others takes over.
  for (int i = 0; i < 5 * c.options().election_ticks; ++i) c.TickAll(1);
  EXPECT_NE(c.core("n1").role(), Role::kCandidate);
  bool new_leader = c.core("n2").role() == Role::kLeader || c.core("n3").role() == Role::kLeader;
  EXPECT_TRUE(new_leader);
  PeerId leader = c.core("n2").role() == Role::kLeader ? "n2" : "n3";
  c.Propose(leader, "b");
  c.TickAll(2);
  EXPECT_EQ(c.AppliedCommands("n2"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.AppliedCommands("n3"), (std::vector<std::string>{"a", "b"}));
}

TEST(RaftCoreTest, IsolatedLeaderStepsDownByCheckQuorum) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Isolate("n1");
  for (int i = 0; i < 2 * c.options().election_ticks + 1; ++i) c.Tick("n1");
  EXPECT_EQ(c.core("n1").role(), Role::kFollower);
}

TEST(RaftCoreTest, PreVoteKeepsAPartitionedServerFromDisruptingTheLeader) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  Term term = c.core("n1").term();
  c.Isolate("n3");
  // n3 times out again and again but never raises its term (pre-votes fail).
  for (int i = 0; i < 10 * c.options().election_ticks; ++i) {
    c.TickAll(1);
    c.Deliver();
  }
  EXPECT_EQ(c.core("n3").term(), term);
  c.Heal();
  c.TickAll(3);
  c.Deliver();
  EXPECT_EQ(c.core("n1").role(), Role::kLeader);
  EXPECT_EQ(c.core("n1").term(), term);
  EXPECT_EQ(c.core("n3").leader(), "n1");
}

TEST(RaftCoreTest, ReadIndexNeedsAHeartbeatRound) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Propose("n1", "a");
  ASSERT_TRUE(c.core("n1").ReadIndex(42).ok());
  c.Process();
  EXPECT_TRUE(c.node("n1").reads.empty());  // not before a quorum confirmed leadership
  c.Deliver();
  ASSERT_EQ(c.node("n1").reads.size(), 1u);
  EXPECT_EQ(c.node("n1").reads[0].request_id, 42u);
  EXPECT_EQ(c.node("n1").reads[0].index, c.core("n1").commit_index());
  EXPECT_TRUE(c.core("n2").ReadIndex(1).IsNotLeader());
}

TEST(RaftCoreTest, ReadIndexOnAPartitionedLeaderFails) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Isolate("n1");
  ASSERT_TRUE(c.core("n1").ReadIndex(7).ok());
  for (int i = 0; i < 3 * c.options().election_ticks; ++i) {
    c.Tick("n1");
    c.Deliver();
  }
  EXPECT_TRUE(c.node("n1").reads.empty());
  EXPECT_TRUE(c.HasEvent("n1", Event::Type::kReadFailed));
}

TEST(RaftCoreTest, FollowerBehindAPurgedLogInstallsASnapshot) {
  CoreTestCluster c(4, 3);
  ASSERT_TRUE(c.Elect("n1"));
  for (int i = 0; i < 30; ++i) c.Propose("n1", "e" + std::to_string(i));
  c.TickAll(2);
  // Every voter snapshots and purges its log.
  for (const char* n : {"n1", "n2", "n3"}) {
    auto meta = c.core(n).OnSnapshotTaken(c.core(n).applied_index());
    ASSERT_TRUE(meta.ok()) << meta.status();
    ASSERT_TRUE(c.node(n).store->SaveSnapshotMeta(*meta).ok());
    ASSERT_TRUE(c.node(n).store->Purge(meta->index).ok());
  }
  ASSERT_TRUE(c.core("n1")
                  .ProposeConfigChange({ConfigChange::Type::kAddLearner, {"n4", "addr4", {}}})
                  .ok());
  c.Deliver();
  c.TickAll(2);
  ASSERT_EQ(c.node("n4").install_requests.size(), 1u);
  SnapshotMeta meta = c.node("n4").install_requests[0];
  EXPECT_TRUE(meta.config.IsVoter("n1"));
  // "Fetch" the snapshot out of band: the test's state machine is the applied list.
  c.node("n4").applied = c.node("n1").applied;
  c.node("n4").applied.resize(meta.index.value());
  ASSERT_TRUE(c.node("n4").store->ResetToSnapshot(meta).ok());
  c.core("n4").OnSnapshotInstalled(meta);
  c.Deliver();
  c.Propose("n1", "after");
  c.TickAll(3);
  EXPECT_EQ(c.core("n4").last_index(), c.core("n1").last_index());
  EXPECT_EQ(c.AppliedCommands("n4"), c.AppliedCommands("n1"));
  // A restart of n4 resumes from the snapshot.
  c.Crash("n4");
  c.Start("n4");
  EXPECT_EQ(c.core("n4").applied_index(), c.core("n1").applied_index());
}

TEST(RaftCoreTest, RestartKeepsTheConfigurationFromTheLog) {
  CoreTestCluster c(4, 3);
  ASSERT_TRUE(c.Elect("n1"));
  ASSERT_TRUE(c.core("n1")
                  .ProposeConfigChange({ConfigChange::Type::kAddLearner, {"n4", "addr4", {}}})
                  .ok());
  c.Deliver();
  c.Crash("n2");
  c.Start("n2");
  EXPECT_TRUE(c.core("n2").configuration().Contains("n4"));
  EXPECT_FALSE(c.core("n2").configuration().IsVoter("n4"));
}

TEST(RaftCoreTest, StaleMessagesAreIgnored) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  Term t = c.core("n2").term();
  Message stale;
  stale.type = MessageType::kAppend;
  stale.from = "n3";
  stale.to = "n2";
  stale.term = Term(1);
  c.core("n2").Step(stale);
  EXPECT_EQ(c.core("n2").term(), t);
  EXPECT_EQ(c.core("n2").leader(), "n1");
  Message wrong_to = stale;
  wrong_to.to = "n9";
  wrong_to.term = t + 5;
  c.core("n2").Step(wrong_to);
  EXPECT_EQ(c.core("n2").term(), t);
}

}  // namespace
}  // namespace ozone::raft

namespace ozone::raft {
namespace {

TEST(RaftCoreTest, AFollowerThatLostItsLogIsRebuiltFromASnapshot) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  for (int i = 0; i < 20; ++i) c.Propose("n1", "e" + std::to_string(i));
  c.TickAll(2);
  auto meta = c.core("n1").OnSnapshotTaken(c.core("n1").applied_index());
  ASSERT_TRUE(meta.ok());
  ASSERT_TRUE(c.node("n1").store->SaveSnapshotMeta(*meta).ok());
  ASSERT_TRUE(c.node("n1").store->Purge(meta->index).ok());
  // n3's disk is replaced by an empty one.
  c.Crash("n3");
  c.node("n3").store = std::make_unique<MemoryLogStore>();
  c.node("n3").applied.clear();
  c.Start("n3");
  // It knows no configuration: it must not vote.
  Message v;
  v.type = MessageType::kVote;
  v.from = "n2";
  v.to = "n3";
  v.term = c.core("n3").term() + 1;
  c.core("n3").Step(v);
  c.Process();
  ASSERT_FALSE(c.queue().empty());
  EXPECT_TRUE(c.queue().back().reject);
  c.queue().clear();
  // The leader notices and sends the snapshot.
  c.TickAll(3);
  ASSERT_EQ(c.node("n3").install_requests.size(), 1u);
  SnapshotMeta m = c.node("n3").install_requests[0];
  c.node("n3").applied = c.node("n1").applied;
  c.node("n3").applied.resize(m.index.value());
  ASSERT_TRUE(c.node("n3").store->ResetToSnapshot(m).ok());
  c.core("n3").OnSnapshotInstalled(m);
  c.Propose("n1", "after");
  c.TickAll(3);
  EXPECT_EQ(c.AppliedCommands("n3"), c.AppliedCommands("n1"));
}

}  // namespace
}  // namespace ozone::raft

namespace ozone::raft {
namespace {

TEST(RaftCoreTest, LostAppendsInPipelineAreResent) {
  RaftOptions o = CoreTestCluster::DefaultOptions();
  o.max_inflight_appends = 2;
  o.max_append_entries = 1;
  CoreTestCluster c(3, 3, o);
  ASSERT_TRUE(c.Elect("n1"));
  c.Propose("n1", "warm");  // n2 and n3 are pipelining now
  // Every Append to n3 is lost while the window fills.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.core("n1").Propose(MakePayload("p")).ok());
  c.Deliver([](const Message& m) { return !(m.type == MessageType::kAppend && m.to == "n3"); });
  // Heartbeats keep flowing; the window stays full until the leader notices the stall.
  for (int i = 0; i < c.options().election_ticks; ++i) c.TickAll(1);
  EXPECT_EQ(c.core("n3").last_index(), c.core("n1").last_index());
  EXPECT_EQ(c.AppliedCommands("n3"), c.AppliedCommands("n1"));
}

}  // namespace
}  // namespace ozone::raft

namespace ozone::raft {
namespace {

// Simulation seed 12126: a learner that never received an entry was promoted because the log
// was shorter than the allowed lag; it then could not vote, and the ring lost its leader.
TEST(RaftCoreTest, ALearnerIsPromotedOnlyOnceItHoldsItsConfiguration) {
  CoreTestCluster c(4, 3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Isolate("n4");
  ASSERT_TRUE(c.core("n1")
                  .ProposeConfigChange({ConfigChange::Type::kAddLearner, {"n4", "addr4", {}}})
                  .ok());
  c.Deliver();
  c.TickAll(2);
  // The log is far shorter than promote_max_lag (1000), yet n4 has nothing: refused.
  auto r = c.core("n1").ProposeConfigChange({ConfigChange::Type::kPromote, {"n4", "", {}}});
  EXPECT_EQ(r.status().code(), Status::Code::kFailedPrecondition) << r.status();
  c.Heal();
  c.TickAll(3);
  EXPECT_TRUE(
      c.core("n1").ProposeConfigChange({ConfigChange::Type::kPromote, {"n4", "", {}}}).ok());
}

// Simulation seed 94476: a candidate of an older term got no answer and never learned the
// current term.
TEST(RaftCoreTest, AStaleVoteRequestIsRejectedWithTheCurrentTerm) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  Message v;
  v.type = MessageType::kVote;
  v.from = "n3";
  v.to = "n2";
  v.term = Term(1);
  c.core("n2").Step(v);
  c.Process();
  ASSERT_FALSE(c.queue().empty());
  const Message& r = c.queue().back();
  EXPECT_EQ(r.type, MessageType::kVoteResponse);
  EXPECT_TRUE(r.reject);
  EXPECT_EQ(r.term, c.core("n2").term());
}

// Simulation seed 4973: an Append whose first entries are already committed here must still
// append the ones after the commit index.
TEST(RaftCoreTest, AnAppendOverlappingTheCommitIndexKeepsItsNewEntries) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Propose("n1", "a");
  c.TickAll(2);
  LogIndex commit = c.core("n2").commit_index();
  ASSERT_GE(commit, LogIndex(3));
  Message m;
  m.type = MessageType::kAppend;
  m.from = "n1";
  m.to = "n2";
  m.term = c.core("n1").term();
  m.prev_log_index = commit - 2;
  m.prev_log_term = c.core("n1").term();
  m.commit = commit;
  // Entries commit-1 .. commit+1: two known, one new.
  for (LogIndex i = commit - 1; i <= commit; ++i) {
    m.entries.push_back(c.node("n2").applied[i.value() - 1]);
  }
  m.entries.push_back(Entry{m.term, commit + 1, EntryType::kNormal, MakePayload("new")});
  c.core("n2").Step(m);
  c.Process();
  EXPECT_EQ(c.core("n2").last_index(), commit + 1);
}

// Simulation seed 93092: a server wiped and re-added as a learner replays the first
// configurations (a voter in them) while catching up, and granted its vote to a stale server
// whose log lacked entries the leader had told it were committed.
TEST(RaftCoreTest, AVoteForACandidateBehindAnAnnouncedCommitIsRefused) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  c.Propose("n1", "a");
  c.TickAll(2);
  const LogIndex last = c.core("n2").last_index();
  // The leader says more is committed than n2 holds yet (n2 is catching up).
  Message hb;
  hb.type = MessageType::kHeartbeat;
  hb.from = "n1";
  hb.to = "n2";
  hb.term = c.core("n1").term();
  hb.commit = last + 50;
  c.core("n2").Step(hb);
  c.Process();
  // A candidate as up to date as n2's own log, but behind that commit (a transfer vote: no
  // lease to stop it).
  Message v;
  v.type = MessageType::kVote;
  v.from = "n3";
  v.to = "n2";
  v.term = c.core("n1").term() + 1;
  v.last_log_index = last;
  v.last_log_term = c.core("n1").term();  // n2's last entries are of this term
  v.transfer = true;
  c.core("n2").Step(v);
  c.Process();
  ASSERT_FALSE(c.queue().empty());
  const Message& r = c.queue().back();
  EXPECT_EQ(r.type, MessageType::kVoteResponse);
  EXPECT_TRUE(r.reject);
}

}  // namespace
}  // namespace ozone::raft
