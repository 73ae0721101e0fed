#include "ha/raft/server/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

namespace ozone::raft {
namespace {

TEST(ThreadPoolTest, RunsEveryTask) {
  std::atomic<int> n{0};
  {
    ThreadPool pool(3);
    for (int i = 0; i < 1000; ++i) pool.Post([&] { ++n; });
  }  // the destructor runs what is queued
  EXPECT_EQ(n.load(), 1000);
}

TEST(StrandTest, RunsTasksInOrderOneAtATime) {
  ThreadPool pool(4);
  auto strand = std::make_shared<Strand>(&pool);
  std::vector<int> order;
  std::atomic<int> running{0};
  std::atomic<bool> overlap{false};
  for (int i = 0; i < 5000; ++i) {
    strand->Post([&, i] {
      if (running.fetch_add(1) != 0) overlap = true;
      order.push_back(i);
      running.fetch_sub(1);
    });
  }
  strand->Drain();
  EXPECT_FALSE(overlap.load());
  ASSERT_EQ(order.size(), 5000u);
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(order[i], i);
}

TEST(StrandTest, StrandsShareThePoolFairly) {
  ThreadPool pool(1);
  auto a = std::make_shared<Strand>(&pool);
  auto b = std::make_shared<Strand>(&pool);
  std::promise<void> b_ran;
  std::atomic<bool> a_done{false};
  // The pool's one thread waits at a gate until everything is posted: otherwise it could run all
  // of a's tasks before b's is even posted (this test failed so in a CI run).
  std::promise<void> gate;
  pool.Post([opened = gate.get_future().share()] { opened.wait(); });
  // a floods the pool; b still gets a turn before a finishes.
  for (int i = 0; i < 10000; ++i) a->Post([] {});
  a->Post([&] { a_done = true; });
  b->Post([&] {
    EXPECT_FALSE(a_done.load());
    b_ran.set_value();
  });
  gate.set_value();
  b_ran.get_future().wait();
  a->Drain();
  EXPECT_TRUE(a->RunningInThisThread() == false);
}

}  // namespace
}  // namespace ozone::raft
