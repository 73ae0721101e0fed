#include "ha/ha_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>

namespace ozone::ha {
namespace {

using namespace std::chrono_literals;

// Counts the task's runs and lets a test wait for them.
class RunCounter {
 public:
  std::function<void()> Task() {
    return [this] {
      std::lock_guard<std::mutex> l(mu_);
      ++runs_;
      cv_.notify_all();
    };
  }
  bool WaitFor(uint64_t runs, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, timeout, [&] { return runs_ >= runs; });
  }
  uint64_t runs() {
    std::lock_guard<std::mutex> l(mu_);
    return runs_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t runs_ = 0;
};

void MakeReadyLeader(HaContext& c) {
  c.SetLeader(true, Term(1));
  c.SetLeaderReady();
  c.SetSafeMode(SafeModeStatus::kOutOfSafeMode);
}

TEST(BackgroundServiceTest, RunsOnlyWhenLeaderReadyAndOutOfSafeMode) {
  HaContext c;
  RunCounter counter;
  ManualClock clock;
  BackgroundService s({.name = "svc"}, &c, counter.Task(), &clock);

  s.NotifyStatusChanged();
  EXPECT_EQ(s.state(), HaService::State::kPausing);
  s.RunOnce();
  EXPECT_EQ(counter.runs(), 0u);

  c.SetLeader(true, Term(1));  // leader, not ready
  s.NotifyStatusChanged();
  EXPECT_FALSE(s.ShouldRun());

  c.SetLeaderReady();  // ready, but in safe mode
  s.NotifyStatusChanged();
  EXPECT_EQ(s.state(), HaService::State::kPausing);
  s.RunOnce();
  EXPECT_EQ(counter.runs(), 0u);

  c.SetSafeMode(SafeModeStatus::kOutOfSafeMode);
  s.NotifyStatusChanged();
  EXPECT_EQ(s.state(), HaService::State::kRunning);
  EXPECT_TRUE(s.ShouldRun());
  s.RunOnce();
  EXPECT_EQ(counter.runs(), 1u);
  EXPECT_EQ(s.runs(), 1u);

  c.SetLeader(false, Term(2));  // stepped down
  s.NotifyStatusChanged();
  EXPECT_EQ(s.state(), HaService::State::kPausing);
  s.RunOnce();
  EXPECT_EQ(counter.runs(), 1u);
}

TEST(BackgroundServiceTest, StateIsReevaluatedOnlyWhenNotified) {
  HaContext c;
  MakeReadyLeader(c);
  RunCounter counter;
  BackgroundService s({.name = "svc"}, &c, counter.Task());
  EXPECT_FALSE(s.ShouldRun());  // not told yet
  s.NotifyStatusChanged();
  EXPECT_TRUE(s.ShouldRun());
}

TEST(BackgroundServiceTest, CanRunInSafeMode) {
  HaContext c;
  c.SetLeader(true, Term(1));
  c.SetLeaderReady();
  RunCounter counter;
  BackgroundService s({.name = "pipelines", .run_in_safe_mode = true}, &c, counter.Task());
  s.NotifyStatusChanged();
  EXPECT_TRUE(s.ShouldRun());
}

TEST(BackgroundServiceTest, HonoursTheWaitAfterBecomingReady) {
  HaContext c;
  MakeReadyLeader(c);
  RunCounter counter;
  ManualClock clock;
  BackgroundService s({.name = "replication", .wait_after_ready = 5min}, &c, counter.Task(),
                      &clock);
  s.NotifyStatusChanged();
  EXPECT_EQ(s.state(), HaService::State::kRunning);
  EXPECT_FALSE(s.ShouldRun());
  clock.Advance(5min - 1ms);
  s.RunOnce();
  EXPECT_EQ(counter.runs(), 0u);
  clock.Advance(1ms);
  EXPECT_TRUE(s.ShouldRun());
  s.RunOnce();
  EXPECT_EQ(counter.runs(), 1u);

  // Pausing and becoming ready again restarts the wait.
  c.SetLeader(false, Term(2));
  s.NotifyStatusChanged();
  MakeReadyLeader(c);
  c.SetLeader(true, Term(3));
  c.SetLeaderReady();
  s.NotifyStatusChanged();
  EXPECT_FALSE(s.ShouldRun());
  clock.Advance(5min);
  EXPECT_TRUE(s.ShouldRun());
}

TEST(BackgroundServiceTest, ThreadRunsEveryIntervalWhileRunning) {
  HaContext c;
  RunCounter counter;
  BackgroundService s({.name = "svc", .interval = 1ms}, &c, counter.Task());
  s.Start();
  EXPECT_EQ(s.state(), HaService::State::kPausing);
  MakeReadyLeader(c);
  s.NotifyStatusChanged();
  ASSERT_TRUE(counter.WaitFor(3));
  s.Stop();
  uint64_t after_stop = counter.runs();
  EXPECT_EQ(s.runs(), after_stop);
  s.Stop();  // idempotent
  EXPECT_EQ(counter.runs(), after_stop);
}

TEST(BackgroundServiceTest, BecomingReadyWakesTheThread) {
  HaContext c;
  RunCounter counter;
  // An interval far longer than the test: only the wake-up can make it run.
  BackgroundService s({.name = "svc", .interval = 1h}, &c, counter.Task());
  s.Start();
  MakeReadyLeader(c);
  s.NotifyStatusChanged();
  ASSERT_TRUE(counter.WaitFor(1));
  s.Stop();
}

TEST(BackgroundServiceTest, ThreadWaitsForTheWaitTime) {
  HaContext c;
  MakeReadyLeader(c);
  RunCounter counter;
  ManualClock clock;
  BackgroundService s({.name = "svc", .interval = 1ms, .wait_after_ready = 1h}, &c, counter.Task(),
                      &clock);
  s.Start();  // evaluates the state: running, waiting
  EXPECT_EQ(s.state(), HaService::State::kRunning);
  EXPECT_EQ(counter.runs(), 0u);
  clock.Advance(1h);
  ASSERT_TRUE(counter.WaitFor(1));
  s.Stop();
}

TEST(BackgroundServiceTest, StopsWhilePausingAndRestarts) {
  HaContext c;
  RunCounter counter;
  BackgroundService s({.name = "svc", .interval = 1ms}, &c, counter.Task());
  s.Start();
  s.Start();  // idempotent
  s.Stop();
  EXPECT_EQ(counter.runs(), 0u);
  MakeReadyLeader(c);
  s.Start();
  ASSERT_TRUE(counter.WaitFor(1));
  s.Stop();
}

class FakeService : public HaService {
 public:
  explicit FakeService(std::string name) : name_(std::move(name)) {}
  std::string Name() const override { return name_; }
  void NotifyStatusChanged() override { ++notified; }
  bool ShouldRun() const override { return false; }
  void Start() override { ++started; }
  void Stop() override { ++stopped; }
  std::atomic<int> notified{0}, started{0}, stopped{0};

 private:
  std::string name_;
};

TEST(ServiceManagerTest, BroadcastsToEveryService) {
  ServiceManager m;
  auto a = std::make_shared<FakeService>("a");
  auto b = std::make_shared<FakeService>("b");
  m.Register(a);
  m.Register(b);
  ASSERT_EQ(m.services().size(), 2u);
  EXPECT_EQ(m.services()[0]->Name(), "a");
  m.StartAll();
  m.NotifyStatusChanged();
  m.NotifyStatusChanged();
  m.StopAll();
  for (auto* s : {a.get(), b.get()}) {
    EXPECT_EQ(s->started, 1);
    EXPECT_EQ(s->notified, 2);
    EXPECT_EQ(s->stopped, 1);
  }
}

}  // namespace
}  // namespace ozone::ha
