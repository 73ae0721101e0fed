// The main() of every ozone_test binary: gtest's, plus the failed assertions printed once more
// after gtest's summary. CI shows only the tail of a failing test's output, and a test's log
// lines (teardown included) usually push the assertion's message out of it; this way the tail
// names the file, line and message of each failure.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

// A failure's summary on one line: its newlines as " | ".
std::string OneLine(const ::testing::TestPartResult& part) {
  std::string summary = part.summary();
  while (!summary.empty() && summary.back() == '\n') summary.pop_back();
  for (size_t i = 0; (i = summary.find('\n', i)) != std::string::npos;)
    summary.replace(i, 1, " | ");
  return summary;
}

// One line per failed assertion: "<file>:<line>: <Suite.Test>: <summary>".
void RepeatFailures() {
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  if (unit.Passed()) return;
  std::printf("[ FAILURES ] repeated after the summary, one per line:\n");
  for (int s = 0; s < unit.total_test_suite_count(); ++s) {
    const ::testing::TestSuite& suite = *unit.GetTestSuite(s);
    for (int t = 0; t < suite.total_test_count(); ++t) {
      const ::testing::TestInfo& info = *suite.GetTestInfo(t);
      const ::testing::TestResult& result = *info.result();
      for (int p = 0; p < result.total_part_count(); ++p) {
        const ::testing::TestPartResult& part = result.GetTestPartResult(p);
        if (!part.failed()) continue;
        std::printf("%s:%d: %s.%s: %s\n", part.file_name() ? part.file_name() : "(unknown file)",
                    part.line_number(), suite.name(), info.name(), OneLine(part).c_str());
      }
    }
  }
  // Failures outside any test (a global environment's SetUp, for example).
  const ::testing::TestResult& ad_hoc = unit.ad_hoc_test_result();
  for (int p = 0; p < ad_hoc.total_part_count(); ++p) {
    const ::testing::TestPartResult& part = ad_hoc.GetTestPartResult(p);
    if (part.failed()) std::printf("(outside a test): %s\n", OneLine(part).c_str());
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  RepeatFailures();
  return rc;
}
