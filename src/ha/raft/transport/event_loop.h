// EventLoop: one thread waiting on an epoll set (Linux), running the handlers of the file
// descriptors registered with it, the tasks posted to it and its timers. TcpTransport runs a few
// of them; every connection belongs to one loop for its life.
//
// Registration. A descriptor is registered with a Handler under a token (data.u64 of the epoll
// event, never a pointer): once Remove returns, an event already fetched for that token is
// ignored, so a handler may remove (and free) itself or another from inside a callback. Owned
// handlers (AddOwned) are deleted by the loop when removed or when the loop stops.
//
// Tasks and timers. Post and RunAfter may be called from any thread; the task runs on the loop
// thread, after the events of the current round. A timer cannot be cancelled: its task checks
// whether it is still wanted (TcpTransport's tasks compare attempt numbers). Tasks and timers
// still pending when the loop stops are destroyed without running.
//
// Thread-safety: Post, RunAfter, Modify and InLoopThread from any thread; Add, AddOwned and Remove
// only on the loop thread (or before Start / after Stop); Start and Stop from one owner thread,
// never from the loop thread.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/result.h"

namespace ozone::raft {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using Task = std::function<void()>;

  class Handler {
   public:
    virtual ~Handler() = default;
    // `events`: the EPOLL* bits that fired. Runs on the loop thread.
    virtual void OnEvents(uint32_t events) = 0;
  };

  // Creates the epoll set and the wakeup eventfd; the thread starts with Start.
  static Result<std::unique_ptr<EventLoop>> Create(std::string thread_name);
  ~EventLoop();  // Stop()s; closes the descriptors of owned handlers
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void Start();
  // Stops the thread after the handler or task it runs returns, and joins it. Idempotent.
  void Stop();

  // Registers `fd` for `events` (EPOLLIN, EPOLLOUT, ...); returns its token, 0 on failure
  // (errno set). The caller keeps ownership of `handler` and of `fd`.
  uint64_t Add(int fd, uint32_t events, Handler* handler);
  // As Add, but the loop owns `handler`, and closes `fd` and deletes the handler when the token is
  // removed or the loop is destroyed.
  uint64_t AddOwned(int fd, uint32_t events, std::unique_ptr<Handler> handler);
  // Changes the events of a registered descriptor. Any thread, while `fd` is open.
  void Modify(int fd, uint64_t token, uint32_t events);
  // Unregisters the token (no further callback); an owned handler's fd is closed and the handler
  // deleted after the current callback returns.
  void Remove(int fd, uint64_t token);

  // The handler registered under `token`, or null once it was removed. Loop thread only.
  Handler* Find(uint64_t token) const;

  void Post(Task task);
  void RunAfter(std::chrono::nanoseconds delay, Task task);

  bool InLoopThread() const { return std::this_thread::get_id() == thread_id_.load(); }

 private:
  struct Registration {
    Handler* handler = nullptr;
    std::unique_ptr<Handler> owned;
    int fd = -1;
  };
  struct Timer {
    Clock::time_point deadline;
    uint64_t seq = 0;
    Task task;
    bool operator>(const Timer& o) const {
      return deadline != o.deadline ? deadline > o.deadline : seq > o.seq;
    }
  };

  EventLoop(int epoll_fd, int wake_fd, std::string thread_name);
  void Run();
  void Wake();
  // Runs posted tasks and due timers; returns the epoll_wait timeout in ms (-1: none).
  int RunTasksAndTimers();

  const int epoll_fd_;
  const int wake_fd_;
  const std::string thread_name_;
  std::thread thread_;
  std::atomic<std::thread::id> thread_id_{};
  std::atomic<bool> stop_{false};

  // Loop thread only (or while the thread is not running).
  std::unordered_map<uint64_t, Registration> registrations_;
  uint64_t next_token_ = 1;
  std::vector<std::unique_ptr<Handler>> graveyard_;  // removed owned handlers, freed per round

  std::mutex mu_;
  std::vector<Task> tasks_;                                                // GUARDED_BY(mu_)
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;  // GUARDED_BY(mu_)
  uint64_t timer_seq_ = 0;                                                 // GUARDED_BY(mu_)
  bool wake_pending_ = false;                                              // GUARDED_BY(mu_)
};

}  // namespace ozone::raft
