// Unit tests of RaftCore's durability rules, staged with CoreTestCluster: what a server sends
// only once its writes are durable (acknowledgements, votes), what it answers meanwhile (a
// heartbeat), and what survives a restart.
#include <gtest/gtest.h>

#include "ha/raft/core/core_test_cluster.h"
#include "ha/raft/core/raft_core.h"

namespace ozone::raft {
namespace {

using testing::CoreTestCluster;

TEST(RaftCoreTest, ResponsesWaitUntilEntriesAreDurable) {
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  ASSERT_TRUE(c.core("n1").Propose(MakePayload("a")).ok());
  Ready rd = c.core("n1").TakeReady();
  Message append;
  for (auto& m : rd.messages) {
    if (m.to == "n2" && m.type == MessageType::kAppend) append = m;
  }
  ASSERT_EQ(append.type, MessageType::kAppend);
  ASSERT_FALSE(append.entries.empty());
  RaftCore& f = c.core("n2");
  f.Step(append);
  Ready frd = f.TakeReady();
  ASSERT_FALSE(frd.entries.empty());
  for (const auto& m : frd.messages) EXPECT_NE(m.type, MessageType::kAppendResponse);
  f.OnPersisted(frd.id);
  ASSERT_TRUE(f.HasReady());
  Ready after = f.TakeReady();
  ASSERT_EQ(after.messages.size(), 1u);
  EXPECT_EQ(after.messages[0].type, MessageType::kAppendResponse);
  EXPECT_EQ(after.messages[0].index, append.entries.back().index);
}

TEST(RaftCoreTest, AFollowerWhoseWriteStallsKeepsAnsweringHeartbeats) {
  // Both followers' disks stall on an append: they keep answering the leader's heartbeats (their
  // term is durable), so the leader's check-quorum holds; the appends' own acknowledgements wait.
  CoreTestCluster c(3);
  ASSERT_TRUE(c.Elect("n1"));
  RaftCore& leader = c.core("n1");
  ASSERT_TRUE(leader.Propose(MakePayload("a")).ok());
  std::vector<Message> to_followers = leader.TakeReady().messages;
  for (int round = 0; round < 3 * c.options().election_ticks; ++round) {
    for (Message& m : to_followers) {
      RaftCore& f = c.core(m.to);
      f.Step(std::move(m));
      while (f.HasReady()) {
        Ready frd = f.TakeReady();  // never persisted: the write stalls
        for (Message& r : frd.messages) {
          EXPECT_NE(r.type, MessageType::kAppendResponse);
          if (r.type == MessageType::kHeartbeatResponse) leader.Step(std::move(r));
        }
      }
    }
    leader.Tick();
    to_followers.clear();
    while (leader.HasReady()) {
      for (Message& m : leader.TakeReady().messages) {
        if (m.type == MessageType::kHeartbeat) to_followers.push_back(std::move(m));
      }
    }
    ASSERT_FALSE(to_followers.empty()) << "round " << round;
  }
  EXPECT_EQ(leader.role(), Role::kLeader);
  EXPECT_EQ(leader.term(), Term(2));
}

TEST(RaftCoreTest, AHeartbeatResponseWaitsForANewTermToBeDurable) {
  CoreTestCluster c(3);
  c.Isolate("n2");  // still at term 1 when the leader of term 2 is elected
  ASSERT_TRUE(c.Elect("n1"));
  RaftCore& leader = c.core("n1");
  ASSERT_EQ(c.core("n2").term(), Term(1));
  Message hb;
  leader.Tick();
  while (leader.HasReady()) {
    for (Message& m : leader.TakeReady().messages) {
      if (m.type == MessageType::kHeartbeat && m.to == "n2") hb = m;
    }
  }
  ASSERT_EQ(hb.type, MessageType::kHeartbeat);
  RaftCore& f = c.core("n2");
  f.Step(hb);
  Ready rd = f.TakeReady();
  ASSERT_TRUE(rd.hard_state.has_value());
  EXPECT_EQ(rd.hard_state->term, Term(2));
  for (const Message& m : rd.messages) EXPECT_NE(m.type, MessageType::kHeartbeatResponse);
  f.OnPersisted(rd.id);
  Ready after = f.TakeReady();
  ASSERT_EQ(after.messages.size(), 1u);
  EXPECT_EQ(after.messages[0].type, MessageType::kHeartbeatResponse);
  EXPECT_EQ(after.messages[0].term, Term(2));
}

TEST(RaftCoreTest, VoteIsPersistedBeforeRequestsGoOut) {
  CoreTestCluster c(3);
  RaftCore& n1 = c.core("n1");
  // Campaign: the pre-vote round needs no persistence.
  while (n1.role() == Role::kFollower) n1.Tick();
  Ready pre = n1.TakeReady();
  EXPECT_FALSE(pre.hard_state.has_value());
  size_t prevotes = 0;
  for (auto& m : pre.messages) {
    prevotes += m.type == MessageType::kPreVote;
    c.core(m.to).Step(m);
  }
  EXPECT_EQ(prevotes, 2u);
  for (const char* peer : {"n2", "n3"}) {
    Ready r = c.core(peer).TakeReady();
    for (auto& m : r.messages) n1.Step(m);
  }
  // Won the pre-vote: now a candidate whose term and vote must be durable before the requests.
  ASSERT_EQ(n1.role(), Role::kCandidate);
  Ready rd = n1.TakeReady();
  ASSERT_TRUE(rd.hard_state.has_value());
  EXPECT_EQ(rd.hard_state->vote, "n1");
  for (auto& m : rd.messages) EXPECT_NE(m.type, MessageType::kVote);
  n1.OnPersisted(rd.id);
  Ready after = n1.TakeReady();
  size_t votes = 0;
  for (auto& m : after.messages) votes += m.type == MessageType::kVote;
  EXPECT_EQ(votes, 2u);
}

TEST(RaftCoreTest, VoteSurvivesRestart) {
  RaftOptions o = CoreTestCluster::DefaultOptions();
  o.check_quorum = false;
  o.pre_vote = false;
  CoreTestCluster c(3, 3, o);
  // n3 votes for n1 in term 2.
  Message v;
  v.type = MessageType::kVote;
  v.from = "n1";
  v.to = "n3";
  v.term = Term(2);
  v.last_log_index = LogIndex(1);
  v.last_log_term = Term(1);
  c.core("n3").Step(v);
  c.Process();
  ASSERT_EQ(c.node("n3").store->hard_state().vote, "n1");
  c.queue().clear();
  // After a restart it must not vote for n2 in the same term.
  c.Crash("n3");
  c.Start("n3");
  Message w = v;
  w.from = "n2";
  c.core("n3").Step(w);
  c.Process();
  ASSERT_FALSE(c.queue().empty());
  EXPECT_EQ(c.queue().back().type, MessageType::kVoteResponse);
  EXPECT_TRUE(c.queue().back().reject);
  // But it repeats its vote for n1.
  c.queue().clear();
  c.core("n3").Step(v);
  c.Process();
  EXPECT_FALSE(c.queue().back().reject);
}

}  // namespace
}  // namespace ozone::raft
