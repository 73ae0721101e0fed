#include "common/strings.h"

#include <gtest/gtest.h>

namespace ozone::strings {
namespace {

TEST(StringsTest, SplitTrimmedDropsEmptyPieces) {
  EXPECT_EQ(SplitTrimmed(" scm1, scm2 ,,scm3 "),
            (std::vector<std::string>{"scm1", "scm2", "scm3"}));
  EXPECT_TRUE(SplitTrimmed("  ").empty());
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
}

TEST(StringsTest, ParsesNumbersStrictly) {
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("+7"), 7);
  EXPECT_FALSE(ParseInt64("4x"));
  EXPECT_FALSE(ParseInt64(""));
  EXPECT_FALSE(ParseUint64("-1"));
  EXPECT_EQ(ParseDouble("0.5"), 0.5);
  EXPECT_FALSE(ParseDouble("0.5x"));
}

}  // namespace
}  // namespace ozone::strings
