#include "ha/raft/transport/backoff.h"

#include <gtest/gtest.h>

namespace ozone::raft {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesFromInitialToMaxWithBoundedJitter) {
  Backoff backoff(milliseconds(50), milliseconds(1000), /*seed=*/7);
  const int64_t bases[] = {50, 100, 200, 400, 800, 1000, 1000, 1000};
  for (int64_t base : bases) {
    const int64_t delay = backoff.Next().count();
    EXPECT_GE(delay, base * 8 / 10) << "base " << base;
    EXPECT_LE(delay, base * 12 / 10) << "base " << base;
  }
}

TEST(BackoffTest, ResetStartsOver) {
  Backoff backoff(milliseconds(50), milliseconds(1000), /*seed=*/1);
  for (int i = 0; i < 10; ++i) backoff.Next().count();
  backoff.Reset();
  EXPECT_LE(backoff.Next().count(), 60);
}

}  // namespace
}  // namespace ozone::raft
