#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testutil/subprocess.h"

namespace ozone::testutil {
namespace {

using namespace std::chrono_literals;

// The tail of a failing binary's output names the failed assertion: file, line, test and
// message, after gtest's summary.
TEST(TestMainTest, AFailedAssertionIsRepeatedAfterTheSummary) {
  Result<Subprocess> child = Subprocess::Start({TestBinaryDir() + "/failure_report_example"});
  ASSERT_TRUE(child.ok()) << child.status();
  std::vector<std::string> lines;
  while (auto line = child->ReadLine(30s)) lines.push_back(*line);
  std::optional<int> status = child->Wait(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << *status;

  ASSERT_GE(lines.size(), 2u);
  const std::string& last = lines.back();
  EXPECT_NE(last.find("failure_report_example.cc:"), std::string::npos) << last;
  EXPECT_NE(last.find("FailureReportExample.FailsThenLogs"), std::string::npos) << last;
  EXPECT_NE(last.find("the marker of the failure"), std::string::npos) << last;
  EXPECT_NE(last.find("answer"), std::string::npos) << last;  // the expression, on the same line
  EXPECT_EQ(lines[lines.size() - 2], "[ FAILURES ] repeated after the summary, one per line:");
  // gtest's own summary comes before.
  bool summary_before = false;
  for (size_t i = 0; i + 2 < lines.size(); ++i) {
    summary_before |= lines[i].find("1 FAILED TEST") != std::string::npos;
  }
  EXPECT_TRUE(summary_before);
}

}  // namespace
}  // namespace ozone::testutil
