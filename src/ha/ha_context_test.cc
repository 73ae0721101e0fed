#include "ha/ha_context.h"

#include <gtest/gtest.h>

namespace ozone::ha {
namespace {

TEST(HaContextTest, StartsAsAFollowerInSafeMode) {
  HaContext c;
  EXPECT_FALSE(c.IsLeader());
  EXPECT_FALSE(c.IsLeaderReady());
  EXPECT_TRUE(c.IsInSafeMode());
  EXPECT_FALSE(c.IsPreCheckComplete());
  EXPECT_TRUE(c.TermOfLeader().status().IsNotLeader());
  EXPECT_EQ(c.LeaderHint(), std::nullopt);
}

TEST(HaContextTest, LeaderBecomesReadyThenStepsDown) {
  HaContext c;
  c.SetLeader(true, Term(2));
  EXPECT_TRUE(c.IsLeader());
  EXPECT_FALSE(c.IsLeaderReady());  // its no-op is not applied yet
  ASSERT_TRUE(c.TermOfLeader().ok());
  EXPECT_EQ(*c.TermOfLeader(), Term(2));

  c.SetLeaderReady();
  EXPECT_TRUE(c.IsLeaderReady());
  c.SetLeader(true, Term(2));  // the same leadership reported again
  EXPECT_TRUE(c.IsLeaderReady());

  c.SetLeader(false, Term(3));
  EXPECT_FALSE(c.IsLeader());
  EXPECT_FALSE(c.IsLeaderReady());
  EXPECT_EQ(c.term(), Term(3));
  EXPECT_TRUE(c.TermOfLeader().status().IsNotLeader());
}

TEST(HaContextTest, ANewTermClearsLeaderReady) {
  HaContext c;
  c.SetLeader(true, Term(2));
  c.SetLeaderReady();
  c.SetLeader(true, Term(4));
  EXPECT_TRUE(c.IsLeader());
  EXPECT_FALSE(c.IsLeaderReady());
}

TEST(HaContextTest, LeaderReadyIsIgnoredOnAFollower) {
  HaContext c;
  c.SetLeaderReady();
  EXPECT_FALSE(c.IsLeaderReady());
}

TEST(HaContextTest, NotLeaderNamesTheLeader) {
  HaContext c;
  c.SetLeaderHint("scm2[host2:9894]");
  Result<Term> t = c.TermOfLeader();
  ASSERT_TRUE(t.status().IsNotLeader());
  EXPECT_NE(t.status().message().find("scm2[host2:9894]"), std::string::npos) << t.status();
  EXPECT_EQ(c.LeaderHint(), "scm2[host2:9894]");
}

TEST(HaContextTest, SafeModeTransitions) {
  HaContext c;
  c.SetSafeMode(SafeModeStatus::kPreChecksPassed);
  EXPECT_TRUE(c.IsInSafeMode());
  EXPECT_TRUE(c.IsPreCheckComplete());
  c.SetSafeMode(SafeModeStatus::kOutOfSafeMode);
  EXPECT_FALSE(c.IsInSafeMode());
  EXPECT_TRUE(c.IsPreCheckComplete());
}

}  // namespace
}  // namespace ozone::ha
