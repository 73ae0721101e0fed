#include "ha/raft/server/thread_pool.h"

#include "common/thread_name.h"

namespace ozone::raft {

ThreadPool::ThreadPool(size_t threads, std::string name) {
  if (threads == 0) threads = 1;
  for (size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this, name, i] {
      NameThisThread(name + "-" + std::to_string(i));
      Run();
    });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void ThreadPool::Post(Task task) {
  {
    std::lock_guard<std::mutex> l(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::Run() {
  while (true) {
    Task task;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void Strand::Post(ThreadPool::Task task) {
  bool schedule = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    tasks_.push_back(std::move(task));
    if (!scheduled_) {
      scheduled_ = true;
      schedule = true;
    }
  }
  if (schedule) {
    auto self = shared_from_this();
    pool_->Post([self] { self->RunSome(); });
  }
}

void Strand::Dispatch(ThreadPool::Task task, int then_max) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (scheduled_) {
      tasks_.push_back(std::move(task));
      return;
    }
    scheduled_ = true;
    running_thread_ = std::this_thread::get_id();
  }
  task();
  RunQueued(then_max);
}

void Strand::RunSome() { RunQueued(64); }

void Strand::RunQueued(int max_tasks) {
  // Run a bounded number of tasks, then yield the thread to other strands and callers.
  for (int i = 0; i < max_tasks; ++i) {
    ThreadPool::Task task;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (tasks_.empty()) {
        scheduled_ = false;
        running_thread_ = {};
        idle_cv_.notify_all();
        return;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
      running_thread_ = std::this_thread::get_id();
    }
    task();
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    running_thread_ = {};
    if (tasks_.empty()) {
      scheduled_ = false;
      idle_cv_.notify_all();
      return;
    }
  }
  auto self = shared_from_this();
  pool_->Post([self] { self->RunSome(); });
}

void Strand::Drain() {
  std::unique_lock<std::mutex> l(mu_);
  idle_cv_.wait(l, [&] { return !scheduled_ && tasks_.empty(); });
}

bool Strand::RunningInThisThread() const {
  std::lock_guard<std::mutex> l(mu_);
  return running_thread_ == std::this_thread::get_id();
}

}  // namespace ozone::raft
