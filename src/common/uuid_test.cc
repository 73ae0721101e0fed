#include "common/uuid.h"

#include <gtest/gtest.h>

#include <set>

namespace ozone {
namespace {

TEST(UuidTest, RoundTripsTheCanonicalForm) {
  auto u = Uuid::Parse("E6877CE5-56cd-4f0b-ad60-4c8ef9000882");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->ToString(), "e6877ce5-56cd-4f0b-ad60-4c8ef9000882");
  EXPECT_FALSE(Uuid::Parse("e6877ce5-56cd-4f0b-ad60-4c8ef900088"));
  EXPECT_FALSE(Uuid::Parse("e6877ce5x56cd-4f0b-ad60-4c8ef9000882"));
  EXPECT_FALSE(Uuid::Parse("g6877ce5-56cd-4f0b-ad60-4c8ef9000882"));
}

TEST(UuidTest, RandomIsVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    Uuid u = Uuid::Random();
    std::string s = u.ToString();
    EXPECT_EQ(s[14], '4');
    EXPECT_TRUE(s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
    EXPECT_EQ(Uuid::Parse(s), u);
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace ozone
