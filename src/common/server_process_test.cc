#include "common/server_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace ozone::process {
namespace {

namespace fs = std::filesystem;

TEST(ServerProcessTest, DefaultLogFileIsBesideTheMetadataDirectory) {
  const fs::path root =
      fs::temp_directory_path() / ("server_process_test_" + std::to_string(getpid()));
  fs::remove_all(root);
  const std::string file = DefaultServerLogFile((root / "metadata").string(), "om", "om2");
  EXPECT_EQ(file, (root / "logs" / "ozone-om-om2.log").string());
  EXPECT_TRUE(fs::is_directory(root / "logs"));
  // Where the directory cannot be made (a file is in the way): no file, stderr only.
  fs::remove_all(root / "logs");
  std::ofstream(root / "logs") << "x";
  EXPECT_EQ(DefaultServerLogFile((root / "metadata").string(), "scm", "scm1"), "");
  fs::remove_all(root);
}

TEST(ServerProcessTest, AServerStoppedFromInsideReleasesTheSignalThread) {
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  {
    StopSignals signals;
    std::atomic<int> stops{0};
    // `wait` returns at once, as when the server stopped itself: RunUntilStopped still returns,
    // without calling `stop` and without a signal.
    EXPECT_EQ(signals.RunUntilStopped(
                  "test", [&] { stops.fetch_add(1); }, [] {}),
              0);
    EXPECT_EQ(stops.load(), 0);
  }
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

TEST(ServerProcessTest, ASignalCallsStopAndIsReturned) {
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  {
    StopSignals signals;  // SIGINT blocked here: the kill below stays pending for the waiter
    std::mutex mu;
    std::condition_variable cv;
    int stops = 0;
    const int sig = signals.RunUntilStopped(
        "test",
        [&] {
          std::lock_guard<std::mutex> l(mu);
          ++stops;
          cv.notify_all();
        },
        [&] {
          ::kill(::getpid(), SIGINT);
          std::unique_lock<std::mutex> l(mu);
          cv.wait(l, [&] { return stops > 0; });  // the "server" runs until stopped
        });
    EXPECT_EQ(sig, SIGINT);
    EXPECT_EQ(stops, 1);
  }
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

TEST(ServerProcessDeathTest, ASecondSignalEndsTheProcessWhenAsked) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        StopSignals signals(/*second_signal_exits=*/true);
        std::atomic<bool> stopping{false};
        signals.RunUntilStopped(
            "test", [&] { stopping.store(true); },
            [&] {
              ::kill(::getpid(), SIGINT);
              while (!stopping.load()) std::this_thread::yield();
              ::kill(::getpid(), SIGINT);  // the stop hangs; a second Ctrl-C ends it
              for (;;) ::pause();
            });
      },
      ::testing::ExitedWithCode(128 + SIGINT), "");
}

}  // namespace
}  // namespace ozone::process
