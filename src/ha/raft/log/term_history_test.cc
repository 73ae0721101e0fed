#include "ha/raft/log/term_history.h"

#include <gtest/gtest.h>

namespace ozone::raft {
namespace {

TEST(TermHistoryTest, AnswersEveryPositionInRange) {
  TermHistory h;
  h.Reset(LogIndex(10), Term(2));                 // snapshot at 10, term 2
  for (int i = 0; i < 5; ++i) h.Append(Term(2));  // 11..15
  for (int i = 0; i < 5; ++i) h.Append(Term(4));  // 16..20
  h.Append(Term(9));                              // 21
  EXPECT_EQ(h.start(), LogIndex(10));
  EXPECT_EQ(h.last(), LogIndex(21));
  EXPECT_EQ(*h.TermAt(LogIndex(10)), Term(2));
  EXPECT_EQ(*h.TermAt(LogIndex(15)), Term(2));
  EXPECT_EQ(*h.TermAt(LogIndex(16)), Term(4));
  EXPECT_EQ(*h.TermAt(LogIndex(20)), Term(4));
  EXPECT_EQ(*h.TermAt(LogIndex(21)), Term(9));
  EXPECT_FALSE(h.TermAt(LogIndex(9)));
  EXPECT_FALSE(h.TermAt(LogIndex(22)));

  h.TruncateAfter(LogIndex(17));
  EXPECT_EQ(h.LastTerm(), Term(4));
  EXPECT_FALSE(h.TermAt(LogIndex(18)));
  h.Append(Term(5));
  EXPECT_EQ(*h.TermAt(LogIndex(18)), Term(5));

  h.DropBefore(LogIndex(16));
  EXPECT_EQ(h.start(), LogIndex(16));
  EXPECT_EQ(*h.TermAt(LogIndex(16)), Term(4));
  EXPECT_FALSE(h.TermAt(LogIndex(15)));
  h.TruncateAfter(LogIndex(16));
  EXPECT_EQ(h.last(), LogIndex(16));
  EXPECT_EQ(h.LastTerm(), Term(4));
}

TEST(TermHistoryTest, FreshLogAnswersIndexZero) {
  TermHistory h;
  EXPECT_EQ(*h.TermAt(LogIndex(0)), Term(0));
  EXPECT_FALSE(h.TermAt(LogIndex(1)));
}

}  // namespace
}  // namespace ozone::raft
