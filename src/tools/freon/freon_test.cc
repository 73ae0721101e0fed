#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include "tools/freon/freon_runner.h"
#include "tools/freon/freon_timer.h"
#include "tools/freon/progress_bar.h"
#include "tools/freon/random_key_generator.h"
#include "tools/freon/random_keys_report.h"

namespace ozone::tools::freon {
namespace {

using namespace std::chrono_literals;

TEST(ProgressBarTest, RendersOzonesBar) {
  std::ostringstream out;
  ProgressBar bar(out, 1000, [] { return 0; }, true);
  const std::string half = bar.Render(500, 3725s);
  EXPECT_EQ(half.rfind(" 50.00% |", 0), 0u) << half;
  EXPECT_NE(half.find("|  500/1000 Time: 1:02:05|  "), std::string::npos) << half;
  // 51 full blocks (0..50 inclusive) then 50 spaces, as Ozone's loop bounds give.
  size_t blocks = 0;
  for (size_t p = half.find("\u2588"); p != std::string::npos; p = half.find("\u2588", p + 1))
    ++blocks;
  EXPECT_EQ(blocks, 51u);
  const std::string full = bar.Render(1000, 0s);
  EXPECT_EQ(full.rfind(" 100.00% |", 0), 0u) << full;
}

TEST(ProgressBarTest, StatusShrinksTheBar) {
  std::ostringstream out;
  ProgressBar bar(out, 100, [] { return 0; }, true, [] { return std::string("ok"); });
  const std::string r = bar.Render(30, 0s);
  size_t blocks = 0;
  for (size_t p = r.find("\u2588"); p != std::string::npos; p = r.find("\u2588", p + 1)) ++blocks;
  EXPECT_EQ(blocks, 11u);  // 0..10
  EXPECT_NE(r.find("Time: 0:00:00|  ok"), std::string::npos) << r;
}

TEST(ProgressBarTest, NonInteractivePrintsProgressLines) {
  std::ostringstream out;
  std::atomic<uint64_t> v{10};
  ProgressBar bar(out, 10, [&] { return v.load(); }, false, {}, 1ms);
  bar.Start();
  bar.Stop();
  EXPECT_NE(out.str().find("Progress: 100.00 % (10 out of 10)\n"), std::string::npos) << out.str();
}

TEST(FreonTimerTest, ReportHasDropwizardsLayout) {
  const auto t0 = FreonTimer::Clock::now();
  FreonTimer timer("key-create", t0);
  for (int i = 1; i <= 100; ++i) timer.Record(std::chrono::milliseconds(i), t0 + 1s);
  const std::string r = timer.Report(t0 + 2s);
  EXPECT_EQ(r.rfind("key-create\n", 0), 0u) << r;
  EXPECT_NE(r.find("\n             count = 100\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\n         mean rate = 50.00 calls/second\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\n     1-minute rate = 0.00 calls/second\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\n               min = 1.00 milliseconds\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\n               max = 100.00 milliseconds\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\n              mean = 50.50 milliseconds\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\n            median = 50.50 milliseconds\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\n              99% <= "), std::string::npos) << r;
  EXPECT_NE(r.find("\n            99.9% <= 100.00 milliseconds\n"), std::string::npos) << r;
}

TEST(FreonTimerTest, MinuteRatesTickEveryFiveSeconds) {
  const auto t0 = FreonTimer::Clock::now();
  FreonTimer timer("x", t0);
  for (int i = 0; i < 50; ++i) timer.Record(1ms, t0 + 1s);
  const std::string r = timer.Report(t0 + 6s);
  // First tick: the rate of that tick, 50 events / 5 s.
  EXPECT_NE(r.find("     1-minute rate = 10.00 calls/second\n"), std::string::npos) << r;
  EXPECT_NE(r.find("    15-minute rate = 10.00 calls/second\n"), std::string::npos) << r;
}

TEST(FreonRunnerTest, RunsEveryTaskOnceAndReports) {
  FreonOptions o;
  o.number_of_tests = 200;
  o.threads = 4;
  o.prefix = "pfx";
  std::ostringstream out;
  FreonRunner runner(o, out, false);
  ASSERT_TRUE(runner.Init().ok());
  EXPECT_EQ(runner.ObjectName(7), "pfx/7");
  EXPECT_EQ(runner.BucketName(7), "pfx7");
  FreonTimer& timer = runner.AddTimer("key-create");
  std::mutex mu;
  std::multiset<uint64_t> seen;
  Status s = runner.Run([&](uint64_t counter) {
    timer.Record(1ms);
    std::lock_guard<std::mutex> l(mu);
    seen.insert(counter);
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(seen.size(), 200u);
  for (uint64_t i = 0; i < 200; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
  const std::string text = out.str();
  EXPECT_NE(text.find("-- Timers ----"), std::string::npos) << text;
  EXPECT_NE(text.find("             count = 200\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Failures: 0\nSuccessful executions: 200\n"), std::string::npos) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("Total execution time \\(sec\\): \\d+\n")));
}

TEST(FreonRunnerTest, StopsAtTheFirstFailureUnlessFailAtEnd) {
  for (bool fail_at_end : {false, true}) {
    FreonOptions o;
    o.number_of_tests = 100;
    o.threads = 1;
    o.fail_at_end = fail_at_end;
    std::ostringstream out;
    FreonRunner runner(o, out, false);
    ASSERT_TRUE(runner.Init().ok());
    Status s = runner.Run([](uint64_t counter) {
      return counter == 10 ? Status::Internal("boom") : Status::OK();
    });
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), "One or more freon test is failed.");
    EXPECT_EQ(runner.failures(), 1u);
    EXPECT_EQ(runner.successes(), fail_at_end ? 99u : 10u);
    EXPECT_NE(out.str().find("Expected 100 --number-of-tests objects!, successfully executed"),
              std::string::npos);
  }
}

TEST(FreonRunnerTest, BadOptionsAreRejected) {
  std::ostringstream out;
  FreonOptions zero;
  zero.number_of_tests = 0;
  EXPECT_TRUE(FreonRunner(zero, out, false).Init().IsInvalidArgument());
  FreonOptions bad_duration;
  bad_duration.duration = "soon";
  EXPECT_TRUE(FreonRunner(bad_duration, out, false).Init().IsInvalidArgument());
  FreonOptions no_threads;
  no_threads.threads = 0;
  EXPECT_TRUE(FreonRunner(no_threads, out, false).Init().IsInvalidArgument());
}

TEST(FreonRunnerTest, PrefixIsRandomOrResolvesEnvironment) {
  std::ostringstream out;
  FreonRunner random(FreonOptions{}, out, false);
  ASSERT_TRUE(random.Init().ok());
  EXPECT_TRUE(std::regex_match(random.prefix(), std::regex("[a-z0-9]{10}"))) << random.prefix();
  ::setenv("FREON_TEST_HOST", "h1", 1);
  FreonOptions o;
  o.prefix = "run-__FREON_TEST_HOST__-__FREON_TEST_UNSET__x";
  FreonRunner env(o, out, false);
  ASSERT_TRUE(env.Init().ok());
  EXPECT_EQ(env.prefix(), "run-h1-x");
}

TEST(FreonRunnerTest, OptionsParseAsOzones) {
  CLI::App app;
  FreonOptions o;
  AddFreonOptions(app, o);
  app.parse(std::vector<std::string>{"p", "-p", "-f", "4", "-t", "500", "-n"});  // reversed
  EXPECT_EQ(o.number_of_tests, 500u);
  EXPECT_EQ(o.threads, 4);
  EXPECT_EQ(o.prefix, "p");
  EXPECT_TRUE(o.fail_at_end);
}

TEST(LatencySnapshotTest, DropwizardsFigures) {
  const LatencySnapshot empty({});
  EXPECT_EQ(empty.count(), 0u);
  EXPECT_EQ(empty.Quantile(0.5), 0);
  EXPECT_EQ(empty.stddev(), 0);
  const LatencySnapshot s({40, 10, 30, 20});
  EXPECT_EQ(s.min(), 10);
  EXPECT_EQ(s.max(), 40);
  EXPECT_EQ(s.sum(), 100);
  EXPECT_EQ(s.mean(), 25);
  EXPECT_NEAR(s.stddev(), 12.9099, 1e-4);  // sample deviation: sqrt(500 / 3)
  EXPECT_EQ(s.Quantile(0), 10);            // below the first position: the smallest
  EXPECT_EQ(s.Quantile(0.5), 25);          // position 2.5: between the 2nd and the 3rd
  EXPECT_EQ(s.Quantile(1), 40);
}

TEST(RandomKeysTest, DurationsAsOzonePrintsThem) {
  EXPECT_EQ(FormatHmsMillis(std::chrono::milliseconds(0)), "00:00:00,000");
  EXPECT_EQ(FormatHmsMillis(std::chrono::milliseconds(35)), "00:00:00,035");
  EXPECT_EQ(FormatHmsMillis(std::chrono::milliseconds(3'723'004)), "01:02:03,004");
  EXPECT_EQ(FormatHmsMillis(std::chrono::hours(100)), "100:00:00,000");
}

TEST(RandomKeysTest, OptionsAreCheckedBeforeAnythingIsCreated) {
  RandomKeysOptions o;
  o.key_size = "0";
  EXPECT_TRUE(CheckRandomKeysOptions(o).ok());
  o.key_size = "0KB";
  o.type = "RATIS";
  o.factor = "THREE";  // both, as the SCM HA documents give them: --factor wins
  EXPECT_TRUE(CheckRandomKeysOptions(o).ok());

  o.key_size = "512KB";
  Status data = CheckRandomKeysOptions(o);
  EXPECT_TRUE(data.code() == Status::Code::kNotSupported) << data.ToString();
  EXPECT_NE(data.message().find("NOT_SUPPORTED_OPERATION"), std::string::npos);
  EXPECT_NE(data.message().find("524288 bytes"), std::string::npos) << data.message();
  o.key_size = "10KB";  // the default
  EXPECT_TRUE(CheckRandomKeysOptions(o).code() == Status::Code::kNotSupported);

  o.key_size = "a lot";
  EXPECT_TRUE(CheckRandomKeysOptions(o).IsInvalidArgument());
  o.key_size = "0";
  o.factor = "TWO";
  EXPECT_TRUE(CheckRandomKeysOptions(o).IsInvalidArgument());
  o.factor.clear();
  o.bucket_layout = "FILE_SYSTEM_OPTIMIZED";
  o.validation_channel = "ratis";
  EXPECT_TRUE(CheckRandomKeysOptions(o).ok());
  o.bucket_layout = "fso";  // sh's short names are not freon's
  EXPECT_TRUE(CheckRandomKeysOptions(o).IsInvalidArgument());
  o.bucket_layout.clear();
  o.validation_channel = "http";
  EXPECT_TRUE(CheckRandomKeysOptions(o).IsInvalidArgument());
  o.validation_channel = "grpc";
  for (auto bad :
       {+[](RandomKeysOptions& r) { r.threads = 0; },
        +[](RandomKeysOptions& r) { r.validate_threads = 0; },
        +[](RandomKeysOptions& r) { r.volumes = -1; }, +[](RandomKeysOptions& r) { r.keys = -1; },
        +[](RandomKeysOptions& r) { r.buffer_size = 0; }}) {
    RandomKeysOptions r = o;
    bad(r);
    EXPECT_TRUE(CheckRandomKeysOptions(r).IsInvalidArgument());
  }
}

TEST(RandomKeysTest, TheScmHaDocumentsCommandLineParses) {
  CLI::App app;
  RandomKeysOptions o;
  AddRandomKeysOptions(app, o);
  app.parse(std::vector<std::string>{"--bufferSize=1048576", "--factor=THREE", "--numOfThreads=8",
                                     "--replicationType=RATIS", "--keySize=524288",
                                     "--numOfKeys=10000", "--numOfBuckets=1",
                                     "--numOfVolumes=1"});  // CLI11 parses a reversed vector
  EXPECT_EQ(o.volumes, 1);
  EXPECT_EQ(o.buckets, 1);
  EXPECT_EQ(o.keys, 10000);
  EXPECT_EQ(o.key_size, "524288");
  EXPECT_EQ(o.type, "RATIS");
  EXPECT_EQ(o.threads, 8);
  EXPECT_EQ(o.factor, "THREE");
  EXPECT_EQ(o.buffer_size, 1048576);
}

TEST(RandomKeysReportTest, SummaryAsOzonePrintsIt) {
  RandomKeysFigures f;
  f.revision = "abc123";
  f.volumes_created = 1;
  f.buckets_created = 2;
  f.keys_added = 20;
  f.threads = 4;
  f.spent[kVolumeCreate] = std::chrono::milliseconds(40);  // 4 threads: 10 ms each
  f.spent[kKeyCreate] = std::chrono::milliseconds(4'000);
  f.exec_time = std::chrono::milliseconds(61'234);
  EXPECT_EQ(FormatRandomKeysSummary(f),
            "\n***************************************************\n"
            "Status: Success\n"
            "Git Base Revision: abc123\n"
            "Number of Volumes created: 1\n"
            "Number of Buckets created: 2\n"
            "Number of Keys added: 20\n"
            "Average Time spent in volume creation: 00:00:00,010\n"
            "Average Time spent in bucket creation: 00:00:00,000\n"
            "Average Time spent in key creation: 00:00:01,000\n"
            "Average Time spent in key write: 00:00:00,000\n"
            "Total bytes written: 0\n"
            "Total Execution time: 00:01:01,234\n"
            "***************************************************\n");

  f.success = false;
  f.replication.emplace();
  f.replication->set_type(hdds::RATIS);
  f.replication->set_factor(hdds::THREE);
  f.validate_writes = true;
  f.validated = 15;
  f.validation_ok = 14;
  f.validation_failed = 1;
  f.validate_threads = 1;
  f.spent[kKeyValidate] = std::chrono::milliseconds(7);
  const std::string failed = FormatRandomKeysSummary(f);
  EXPECT_NE(failed.find("\nStatus: Failed\n"), std::string::npos) << failed;
  EXPECT_NE(failed.find("\nNumber of Keys added: 20\nReplication: RATIS/THREE\nAverage"),
            std::string::npos)
      << failed;
  EXPECT_NE(failed.find("\nTotal bytes written: 0\n"
                        "Total number of writes validated: 15\n"
                        "Writes validated: 75.0 %\n"
                        "Successful validation: 14\n"
                        "Unsuccessful validation: 1\n"
                        "Average Time spent in key read and validation: 00:00:00,007\n"
                        "Total Execution time: "),
            std::string::npos)
      << failed;
  f.keys_added = 0;  // Java's 0 / 0
  EXPECT_NE(FormatRandomKeysSummary(f).find("\nWrites validated: NaN %\n"), std::string::npos);
}

TEST(RandomKeysReportTest, JobInfoHasFreonJobInfosFieldsInOrder) {
  RandomKeysFigures f;
  f.revision = "abc123";
  f.threads = 8;
  f.exec_time = std::chrono::milliseconds(1500);
  RandomKeysJob job;
  job.start = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'795'406'072'345));
  job.volumes = 1;
  job.buckets = 2;
  job.keys = 3;
  job.buffer_size = 4096;
  for (int op = kVolumeCreate; op <= kKeyWrite; ++op) {
    job.latencies.emplace_back(std::vector<int64_t>{1'000'000, 3'000'000});  // 1 and 3 ms
  }
  const json::Json j = RandomKeysJobInfo(f, job);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  const std::vector<std::string> expected = {"status",
                                             "gitBaseRevision",
                                             "jobStartTime",
                                             "numOfVolumes",
                                             "numOfBuckets",
                                             "numOfKeys",
                                             "numOfThreads",
                                             "dataWritten",
                                             "execTime",
                                             "replication",
                                             "replicationType",
                                             "keySize",
                                             "bufferSize",
                                             "totalThroughputPerSecond",
                                             "meanVolumeCreateTime",
                                             "deviationVolumeCreateTime",
                                             "tenQuantileVolumeCreateTime",
                                             "meanBucketCreateTime",
                                             "deviationBucketCreateTime",
                                             "tenQuantileBucketCreateTime",
                                             "meanKeyCreateTime",
                                             "deviationKeyCreateTime",
                                             "tenQuantileKeyCreateTime",
                                             "meanKeyWriteTime",
                                             "deviationKeyWriteTime",
                                             "tenQuantileKeyWriteTime"};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(j["status"], "Success");
  EXPECT_EQ(j["jobStartTime"], "2026-11-23 03:54:32,345+0000");
  EXPECT_EQ(j["execTime"], "00:00:01,500");
  EXPECT_EQ(j["dataWritten"], "0.0 B");
  EXPECT_EQ(j["totalThroughputPerSecond"], "NaN B");
  EXPECT_EQ(j["meanKeyCreateTime"], "00:00:00,002");
  EXPECT_EQ(j["tenQuantileKeyCreateTime"].size(), 11u);
  EXPECT_EQ(j["tenQuantileKeyCreateTime"][0], "00:00:00,001");
  EXPECT_EQ(j["tenQuantileKeyCreateTime"][10], "00:00:00,003");
  EXPECT_EQ(RandomKeysJsonFileName(job.start).size(), std::string("yyyyMMddHHmmss.json").size());
}

}  // namespace
}  // namespace ozone::tools::freon
