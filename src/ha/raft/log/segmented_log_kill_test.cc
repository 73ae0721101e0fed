// A process appending through a LogWriter is killed with SIGKILL at an arbitrary moment; the
// reopened log must hold at least every entry the process reported durable, in order, without
// holes. Several rounds, each in a new term, each resuming the same log.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "ha/raft/log/log_test_util.h"
#include "ha/raft/log/segmented_log.h"
#include "tests/testutil/subprocess.h"

namespace ozone::raft {
namespace {

using testutil::Subprocess;
using testutil::TempDir;

std::string Helper() { return testutil::TestBinaryDir() + "/raft_log_test_helper"; }

SegmentedLogOptions HelperOptions() {
  SegmentedLogOptions options;
  options.max_segment_size = 64 << 10;
  options.preallocate_size = 16 << 10;
  return options;
}

std::optional<uint64_t> SyncedIndex(const std::string& line) {
  constexpr std::string_view kPrefix = "synced ";
  if (!line.starts_with(kPrefix)) return std::nullopt;
  return std::stoull(line.substr(kPrefix.size()));
}

TEST(SegmentedLogKillTest, EverythingReportedSyncedSurvivesKill9) {
  TempDir tmp;
  const std::string dir = tmp.Sub("raft-log");
  uint64_t reported = 0;  // highest index any round reported durable
  uint64_t last_term = 0;
  for (int round = 1; round <= 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto child = Subprocess::Start({Helper(), "append", dir});
    ASSERT_TRUE(child.ok()) << child.status();
    // Let it run until it reported a few thousand more entries durable, then kill it wherever
    // it is (mid-batch, mid-rollover, mid-purge).
    const uint64_t target = reported + 10000 + 3001 * round;
    bool reached = false;
    std::optional<uint64_t> term;
    while (!reached) {
      auto line = child->ReadLine(std::chrono::seconds(60));
      ASSERT_TRUE(line) << "the helper stopped reporting";
      if (line->starts_with("term ")) term = std::stoull(line->substr(5));
      if (auto synced = SyncedIndex(*line)) {
        ASSERT_GT(*synced, reported) << "reports go forward";
        reported = *synced;
        reached = reported >= target;
      }
    }
    child->Kill();
    // Lines already in the pipe count too: they were printed after their sync.
    while (auto line = child->ReadLine(std::chrono::seconds(10))) {
      if (auto synced = SyncedIndex(*line)) reported = std::max(reported, *synced);
    }
    ASSERT_TRUE(term);
    ASSERT_GT(*term, last_term);
    last_term = *term;

    auto log = SegmentedLog::Open(dir, HelperOptions());
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_GE((*log)->LastIndex(), LogIndex(reported));
    EXPECT_EQ((*log)->LoadState()->hard_state.term, Term(*term));
    const uint64_t first = (*log)->FirstIndex().value();
    const uint64_t last = (*log)->LastIndex().value();
    if (round > 1) {
      EXPECT_GT(first, 1u) << "the helper purges";
    }
    auto all = log_testing::ReadAll(**log, first, last + 1, 1 << 20);
    ASSERT_EQ(all.size(), last - first + 1);
    Term prev = *(*log)->TermAt(LogIndex(first - 1));
    for (uint64_t i = first; i <= last; ++i) {
      const Entry& e = all[i - first];
      ASSERT_EQ(e.index, LogIndex(i));
      ASSERT_GE(e.term, prev) << "at " << i;
      ASSERT_LE(e.term, Term(*term));
      ASSERT_EQ(e.bytes(), log_testing::DataFor(i, 50 + i % 200)) << "at " << i;
      prev = e.term;
    }
    reported = last;  // the next round resumes from what is there
  }
}

}  // namespace
}  // namespace ozone::raft
