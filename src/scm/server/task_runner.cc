#include "scm/server/task_runner.h"

#include "common/thread_name.h"

namespace ozone::scm {

TaskRunner::~TaskRunner() { Stop(); }

void TaskRunner::RunEvery(std::chrono::milliseconds interval, std::function<void()> task) {
  std::lock_guard<std::mutex> l(mu_);
  periodic_.push_back({interval, std::move(task), {}});
}

void TaskRunner::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable() || stopping_) return;
  auto now = std::chrono::steady_clock::now();
  for (auto& p : periodic_) p.next = now + p.interval;
  thread_ = std::thread([this] {
    NameThisThread("scm-tasks");
    Loop();
  });
}

void TaskRunner::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void TaskRunner::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TaskRunner::Loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    if (!queue_.empty()) {
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      l.unlock();
      task();
      l.lock();
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    auto wake = now + std::chrono::hours(1);
    std::function<void()> due;
    for (auto& p : periodic_) {
      if (p.next <= now && !due) {
        due = p.task;
        p.next = now + p.interval;
      }
      wake = std::min(wake, p.next);
    }
    if (due) {
      l.unlock();
      due();
      l.lock();
      continue;
    }
    cv_.wait_until(l, wake, [this] { return stopping_ || !queue_.empty(); });
  }
}

}  // namespace ozone::scm
