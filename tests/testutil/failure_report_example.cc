// A gtest binary that fails on purpose, for test_main_test: one failed assertion, then output
// after it (as a test's teardown logs), so that the assertion's message is not in the tail unless
// test_main repeats it. Not a ctest test itself.
#include <gtest/gtest.h>

#include <cstdio>

TEST(FailureReportExample, FailsThenLogs) {
  const int answer = 41;
  EXPECT_EQ(answer, 42) << "the marker of the failure";
  for (int i = 0; i < 50; ++i) std::printf("a log line after the failure %d\n", i);
}

TEST(FailureReportExample, Passes) { EXPECT_TRUE(true); }
