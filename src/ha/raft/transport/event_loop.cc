#include "ha/raft/transport/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "common/thread_name.h"

namespace ozone::raft {

namespace {
constexpr int kMaxEventsPerRound = 64;
}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::Create(std::string thread_name) {
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return Status::FromErrno("raft transport: epoll_create1", errno);
  const int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) {
    const int err = errno;
    close(epoll_fd);
    return Status::FromErrno("raft transport: eventfd", err);
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;  // token 0: the wakeup
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev) != 0) {
    const int err = errno;
    close(epoll_fd);
    close(wake_fd);
    return Status::FromErrno("raft transport: epoll_ctl", err);
  }
  return std::unique_ptr<EventLoop>(new EventLoop(epoll_fd, wake_fd, std::move(thread_name)));
}

EventLoop::EventLoop(int epoll_fd, int wake_fd, std::string thread_name)
    : epoll_fd_(epoll_fd), wake_fd_(wake_fd), thread_name_(std::move(thread_name)) {}

EventLoop::~EventLoop() {
  Stop();
  for (auto& [token, r] : registrations_) {
    if (r.owned != nullptr) close(r.fd);
  }
  registrations_.clear();
  graveyard_.clear();
  close(wake_fd_);
  close(epoll_fd_);
}

void EventLoop::Start() {
  thread_ = std::thread([this] { Run(); });
}

void EventLoop::Stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  Wake();
  thread_.join();
  thread_id_.store(std::thread::id());
  std::lock_guard lock(mu_);
  tasks_.clear();
  while (!timers_.empty()) timers_.pop();
}

uint64_t EventLoop::Add(int fd, uint32_t events, Handler* handler) {
  const uint64_t token = next_token_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return 0;
  registrations_[token] = Registration{handler, nullptr, fd};
  return token;
}

uint64_t EventLoop::AddOwned(int fd, uint32_t events, std::unique_ptr<Handler> handler) {
  Handler* raw = handler.get();
  const uint64_t token = Add(fd, events, raw);
  if (token == 0) {
    close(fd);
    return 0;
  }
  registrations_[token].owned = std::move(handler);
  return token;
}

void EventLoop::Modify(int fd, uint64_t token, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void EventLoop::Remove(int fd, uint64_t token) {
  auto it = registrations_.find(token);
  if (it == registrations_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  if (it->second.owned != nullptr) {
    close(it->second.fd);
    graveyard_.push_back(std::move(it->second.owned));
  }
  registrations_.erase(it);
}

EventLoop::Handler* EventLoop::Find(uint64_t token) const {
  auto it = registrations_.find(token);
  return it == registrations_.end() ? nullptr : it->second.handler;
}

void EventLoop::Post(Task task) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
    wake = !wake_pending_ && !InLoopThread();
    if (wake) wake_pending_ = true;
  }
  if (wake) Wake();
}

void EventLoop::RunAfter(std::chrono::nanoseconds delay, Task task) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    const auto deadline = Clock::now() + delay;
    wake =
        !InLoopThread() && (timers_.empty() || deadline < timers_.top().deadline) && !wake_pending_;
    if (wake) wake_pending_ = true;
    timers_.push(Timer{deadline, timer_seq_++, std::move(task)});
  }
  if (wake) Wake();
}

void EventLoop::Wake() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
}

int EventLoop::RunTasksAndTimers() {
  std::vector<Task> tasks;
  std::vector<Task> due;
  int timeout_ms = -1;
  {
    std::lock_guard lock(mu_);
    tasks.swap(tasks_);
    const auto now = Clock::now();
    while (!timers_.empty() && timers_.top().deadline <= now) {
      due.push_back(std::move(const_cast<Timer&>(timers_.top()).task));
      timers_.pop();
    }
    if (!timers_.empty()) {
      const auto wait = timers_.top().deadline - now;
      // Round up: waking a little late is fine, waking early spins.
      timeout_ms = static_cast<int>(std::min<int64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(wait).count() + 1, 60'000));
    }
  }
  for (Task& t : tasks) t();
  for (Task& t : due) t();
  if (!tasks.empty() || !due.empty()) {
    // The tasks may have posted more: look again without sleeping.
    std::lock_guard lock(mu_);
    if (!tasks_.empty()) return 0;
    if (!timers_.empty()) {
      const auto wait = timers_.top().deadline - Clock::now();
      if (wait <= Clock::duration::zero()) return 0;
      const int ms = static_cast<int>(std::min<int64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(wait).count() + 1, 60'000));
      timeout_ms = ms;
    } else {
      timeout_ms = -1;
    }
  }
  return timeout_ms;
}

void EventLoop::Run() {
  thread_id_.store(std::this_thread::get_id());
  NameThisThread(thread_name_);
  epoll_event events[kMaxEventsPerRound];
  while (!stop_.load(std::memory_order_relaxed)) {
    const int timeout_ms = RunTasksAndTimers();
    if (stop_.load(std::memory_order_relaxed)) break;
    const int n = epoll_wait(epoll_fd_, events, kMaxEventsPerRound, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n && !stop_.load(std::memory_order_relaxed); ++i) {
      const uint64_t token = events[i].data.u64;
      if (token == 0) {
        uint64_t value = 0;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &value, sizeof(value));
        std::lock_guard lock(mu_);
        wake_pending_ = false;
        continue;
      }
      auto it = registrations_.find(token);
      if (it == registrations_.end()) continue;  // removed earlier in this round
      it->second.handler->OnEvents(events[i].events);
    }
    graveyard_.clear();
  }
}

}  // namespace ozone::raft
