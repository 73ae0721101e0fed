// Gate: holds the threads that pass it while it is closed, so that a test can stall an
// operation (a disk write, a sync) at a point it chooses, see that it is stalled, and let it go.
//
//   gate.Close();
//   ... start what will reach gate.Pass() ...
//   ASSERT_TRUE(gate.AwaitHeld(3));  // three threads wait at the gate
//   gate.Open();
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace ozone::testutil {

class Gate {
 public:
  // Threads that pass from now on wait until Open().
  void Close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
  }

  // Lets every waiting thread go on, and the later ones pass.
  void Open() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = false;
    cv_.notify_all();
  }

  // Waits here while the gate is closed.
  void Pass() {
    std::unique_lock<std::mutex> l(mu_);
    ++held_;
    cv_.notify_all();
    cv_.wait(l, [&] { return !closed_; });
    --held_;
  }

  // Until `n` threads wait at the gate. False after `timeout`.
  bool AwaitHeld(int n = 1, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, timeout, [&] { return held_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  int held_ = 0;
};

}  // namespace ozone::testutil
