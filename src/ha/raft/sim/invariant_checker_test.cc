#include "ha/raft/sim/invariant_checker.h"

#include <gtest/gtest.h>

#include "ha/raft/sim/sim_log_store.h"

namespace ozone::raft::sim {
namespace {

Entry E(uint64_t index, uint64_t term, std::string bytes = "cmd") {
  return Entry{Term(term), LogIndex(index), EntryType::kNormal, MakePayload(std::move(bytes))};
}

// A hand-made server: its log and what it reports.
struct FakeNode {
  explicit FakeNode(PeerId id) { view.id = std::move(id); }

  // Writes entries to the log, telling the checker.
  Status Write(InvariantChecker* checker, const std::vector<Entry>& entries) {
    const LogIndex old_last = log.LastIndex();
    const Term prev = *log.TermAt(entries.front().index - 1);
    Status s = checker->OnAppend(View(), old_last, prev, entries);
    if (!log.Append(entries).ok()) return Status::Internal("bad test log");
    return s;
  }
  NodeView View() {
    view.log = &log;
    return view;
  }

  SimLogStore log;
  NodeView view;
};

Status Step(InvariantChecker* checker, std::initializer_list<FakeNode*> nodes) {
  std::vector<NodeView> views;
  for (FakeNode* n : nodes) views.push_back(n->View());
  return checker->CheckStep(views);
}

class InvariantCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (FakeNode* n : {&a_, &b_, &c_}) checker_.OnRestart(n->view.id, LogIndex(0));
  }
  InvariantChecker checker_;
  FakeNode a_{"a"}, b_{"b"}, c_{"c"};
};

TEST_F(InvariantCheckerTest, HealthyRunPasses) {
  a_.view.leader = true;
  a_.view.term = Term(1);
  b_.view.term = Term(1);
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1), E(2, 1)}).ok());
  ASSERT_TRUE(b_.Write(&checker_, {E(1, 1), E(2, 1)}).ok());
  a_.view.commit = LogIndex(2);
  ASSERT_TRUE(checker_.OnApply("a", E(1, 1)).ok());
  a_.view.applied = LogIndex(1);
  ASSERT_TRUE(Step(&checker_, {&a_, &b_, &c_}).ok());
  // b becomes leader of term 2 with every committed entry.
  a_.view.leader = false;
  a_.view.term = Term(2);
  b_.view.leader = true;
  b_.view.term = Term(2);
  ASSERT_TRUE(b_.Write(&checker_, {E(3, 2)}).ok());
  EXPECT_TRUE(Step(&checker_, {&a_, &b_, &c_}).ok());
  EXPECT_EQ(checker_.leaders().size(), 2u);
  EXPECT_EQ(checker_.max_committed(), LogIndex(2));
}

TEST_F(InvariantCheckerTest, TwoLeadersInOneTerm) {
  a_.view.leader = b_.view.leader = true;
  a_.view.term = b_.view.term = Term(3);
  Status s = Step(&checker_, {&a_, &b_});
  EXPECT_NE(s.message().find("election safety"), std::string::npos) << s;
}

TEST_F(InvariantCheckerTest, TwoLeadersInOneTermAtDifferentSteps) {
  a_.view.leader = true;
  a_.view.term = Term(3);
  ASSERT_TRUE(Step(&checker_, {&a_, &b_}).ok());
  a_.view.leader = false;  // a steps down; later b wins the same term
  b_.view.leader = true;
  b_.view.term = Term(3);
  EXPECT_NE(Step(&checker_, {&a_, &b_}).message().find("election safety"), std::string::npos);
}

TEST_F(InvariantCheckerTest, LeaderOverwritesItsLog) {
  a_.view.leader = true;
  a_.view.term = Term(2);
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 2), E(2, 2)}).ok());
  Status s = a_.Write(&checker_, {E(2, 2, "other")});
  EXPECT_NE(s.message().find("leader append-only"), std::string::npos) << s;
}

TEST_F(InvariantCheckerTest, FollowerOverwritesACommittedEntry) {
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1), E(2, 1), E(3, 1)}).ok());
  a_.view.commit = LogIndex(2);
  ASSERT_TRUE(Step(&checker_, {&a_}).ok());
  // Above the commit index: allowed, even when the same step commits past it.
  a_.view.commit = LogIndex(3);
  EXPECT_TRUE(a_.Write(&checker_, {E(3, 2)}).ok());
  ASSERT_TRUE(Step(&checker_, {&a_}).ok());
  Status s = a_.Write(&checker_, {E(2, 3)});
  EXPECT_NE(s.message().find("overwrote committed entry 2"), std::string::npos) << s;
}

TEST_F(InvariantCheckerTest, LeaderAppendsAnotherTermsEntry) {
  a_.view.leader = true;
  a_.view.term = Term(2);
  EXPECT_FALSE(a_.Write(&checker_, {E(1, 1)}).ok());
}

TEST_F(InvariantCheckerTest, SameIndexAndTermWithDifferentCommands) {
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1), E(2, 1, "x")}).ok());
  Status s = b_.Write(&checker_, {E(1, 1), E(2, 1, "y")});
  EXPECT_NE(s.message().find("log matching"), std::string::npos) << s;
}

TEST_F(InvariantCheckerTest, SameIndexAndTermWithDifferentHistories) {
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1), E(2, 3)}).ok());
  ASSERT_TRUE(b_.Write(&checker_, {E(1, 2)}).ok());
  Status s = b_.Write(&checker_, {E(2, 3)});  // (2, 3) after term 2 here, after term 1 on a
  EXPECT_NE(s.message().find("log matching"), std::string::npos) << s;
}

TEST_F(InvariantCheckerTest, DecreasingTermsInALog) {
  EXPECT_FALSE(a_.Write(&checker_, {E(1, 2), E(2, 1)}).ok());
}

TEST_F(InvariantCheckerTest, LeaderWithoutACommittedEntry) {
  // a, leader of term 1, commits entries 1..2 (replicated to b); c never got entry 2.
  a_.view.leader = true;
  a_.view.term = b_.view.term = c_.view.term = Term(1);
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1), E(2, 1)}).ok());
  ASSERT_TRUE(b_.Write(&checker_, {E(1, 1), E(2, 1)}).ok());
  ASSERT_TRUE(c_.Write(&checker_, {E(1, 1)}).ok());
  a_.view.commit = LogIndex(2);
  ASSERT_TRUE(Step(&checker_, {&a_, &b_, &c_}).ok());
  // c wins term 2 anyway.
  a_.view.leader = false;
  c_.view.leader = true;
  a_.view.term = b_.view.term = c_.view.term = Term(2);
  Status s = Step(&checker_, {&a_, &b_, &c_});
  EXPECT_NE(s.message().find("leader completeness"), std::string::npos) << s;
}

TEST_F(InvariantCheckerTest, EntryCommittedLateByAStaleLeaderMustBeInTheNewLeader) {
  // c leads term 2 first; then a, still leader of term 1, commits entry 2 that c lacks.
  c_.view.leader = true;
  c_.view.term = Term(2);
  a_.view.leader = true;
  a_.view.term = Term(1);
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1), E(2, 1)}).ok());
  ASSERT_TRUE(c_.Write(&checker_, {E(1, 2)}).ok());
  ASSERT_TRUE(Step(&checker_, {&a_, &c_}).ok());
  a_.view.commit = LogIndex(2);
  EXPECT_NE(Step(&checker_, {&a_, &c_}).message().find("leader completeness"), std::string::npos);
}

TEST_F(InvariantCheckerTest, DifferentEntriesCommittedAtOneIndex) {
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1)}).ok());
  ASSERT_TRUE(b_.Write(&checker_, {E(1, 2)}).ok());
  a_.view.commit = b_.view.commit = LogIndex(1);
  a_.view.term = Term(1);
  b_.view.term = Term(2);
  EXPECT_NE(Step(&checker_, {&a_, &b_}).message().find("state machine safety"), std::string::npos);
}

TEST_F(InvariantCheckerTest, DifferentEntriesAppliedAtOneIndex) {
  ASSERT_TRUE(checker_.OnApply("a", E(1, 1, "x")).ok());
  Status s = checker_.OnApply("b", E(1, 1, "y"));
  EXPECT_NE(s.message().find("state machine safety"), std::string::npos) << s;
}

TEST_F(InvariantCheckerTest, ApplyOutOfOrder) {
  ASSERT_TRUE(checker_.OnApply("a", E(1, 1)).ok());
  EXPECT_FALSE(checker_.OnApply("a", E(3, 1)).ok());
  EXPECT_FALSE(checker_.OnApply("a", E(1, 1)).ok());
}

TEST_F(InvariantCheckerTest, AppliedBeyondCommit) {
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1), E(2, 1)}).ok());
  ASSERT_TRUE(checker_.OnApply("a", E(1, 1)).ok());
  ASSERT_TRUE(checker_.OnApply("a", E(2, 1)).ok());
  a_.view.applied = LogIndex(2);
  a_.view.commit = LogIndex(1);
  EXPECT_NE(Step(&checker_, {&a_}).message().find("beyond its commit"), std::string::npos);
}

TEST_F(InvariantCheckerTest, CommitGoesBackOnALiveServerButNotAcrossARestart) {
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1), E(2, 1)}).ok());
  a_.view.commit = LogIndex(2);
  ASSERT_TRUE(Step(&checker_, {&a_}).ok());
  a_.view.commit = LogIndex(1);
  EXPECT_NE(Step(&checker_, {&a_}).message().find("went back"), std::string::npos);
  checker_.OnRestart("a", LogIndex(0));
  EXPECT_TRUE(Step(&checker_, {&a_}).ok());
}

TEST_F(InvariantCheckerTest, CommitBeyondTheLog) {
  ASSERT_TRUE(a_.Write(&checker_, {E(1, 1)}).ok());
  a_.view.commit = LogIndex(3);
  EXPECT_FALSE(Step(&checker_, {&a_}).ok());
}

TEST_F(InvariantCheckerTest, DurableTermNeverDecreasesAndVoteNeverChanges) {
  ASSERT_TRUE(checker_.OnHardStatePersisted("a", HardState{Term(2), "b", LogIndex(0)}).ok());
  ASSERT_TRUE(checker_.OnHardStatePersisted("a", HardState{Term(2), "b", LogIndex(3)}).ok());
  Status vote = checker_.OnHardStatePersisted("a", HardState{Term(2), "c", LogIndex(3)});
  EXPECT_NE(vote.message().find("vote"), std::string::npos) << vote;
  ASSERT_TRUE(
      checker_.OnHardStatePersisted("b", HardState{Term(5), std::nullopt, LogIndex(0)}).ok());
  Status term = checker_.OnHardStatePersisted("b", HardState{Term(4), std::nullopt, LogIndex(0)});
  EXPECT_NE(term.message().find("term went back"), std::string::npos) << term;
  // A wiped server starts over.
  checker_.OnWipe("b");
  EXPECT_TRUE(
      checker_.OnHardStatePersisted("b", HardState{Term(1), std::nullopt, LogIndex(0)}).ok());
}

TEST_F(InvariantCheckerTest, SnapshotInstallMustNotGoBack) {
  ASSERT_TRUE(checker_.OnApply("a", E(1, 1)).ok());
  ASSERT_TRUE(checker_.OnApply("a", E(2, 1)).ok());
  EXPECT_TRUE(checker_.OnSnapshotInstalled("a", LogIndex(5)).ok());
  EXPECT_FALSE(checker_.OnSnapshotInstalled("a", LogIndex(4)).ok());
}

}  // namespace
}  // namespace ozone::raft::sim
