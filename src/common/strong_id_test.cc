#include "common/strong_id.h"

#include <gtest/gtest.h>

#include <type_traits>
#include <unordered_set>

namespace ozone {
namespace {

TEST(StrongIdTest, DistinctTypesWithValueSemantics) {
  static_assert(!std::is_convertible_v<ContainerId, LocalId>);
  static_assert(!std::is_convertible_v<uint64_t, ContainerId>);
  ContainerId a(1), b(2);
  EXPECT_LT(a, b);
  EXPECT_EQ(a, ContainerId(1));
  EXPECT_EQ(b.value(), 2u);
  std::unordered_set<ContainerId> set{a, b, ContainerId(1)};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(NodeId("scm1").value(), "scm1");
}

TEST(StrongIndexTest, PositionArithmetic) {
  static_assert(!std::is_convertible_v<Term, LogIndex>);
  LogIndex i(10);
  EXPECT_EQ(i + 5, LogIndex(15));
  EXPECT_EQ(LogIndex(15) - i, 5u);
  EXPECT_EQ(i - 1, LogIndex(9));
  ++i;
  EXPECT_EQ(i.value(), 11u);
  EXPECT_LT(Term(1), Term(2));
}

}  // namespace
}  // namespace ozone
