#include "common/stop_latch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ozone {
namespace {

TEST(StopLatchTest, OneStopRunsAndEveryWaiterReturnsAfterIt) {
  StopLatch latch;
  std::atomic<int> stops{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> waiters;
  std::atomic<int> saw_done{0};
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&] {
      latch.Wait();
      if (done.load()) saw_done.fetch_add(1);
    });
  }
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i) {
    stoppers.emplace_back([&] {
      if (!latch.TryBegin()) return;
      stops.fetch_add(1);
      done.store(true);
      latch.Finish();
    });
  }
  for (auto& t : stoppers) t.join();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(stops.load(), 1);
  EXPECT_EQ(saw_done.load(), 3);
  EXPECT_FALSE(latch.TryBegin());
  latch.Wait();  // after Finish: at once
}

}  // namespace
}  // namespace ozone
