// StopLatch: what a server's Stop and Wait share: Stop runs its work once, whichever thread
// calls it first (a signal, a fatal error, the destructor), and Wait returns once that work
// ended.
//
// Thread-safety: every method from any thread.
#pragma once

#include <condition_variable>
#include <mutex>

namespace ozone {

class StopLatch {
 public:
  // True for the first caller only, which then stops the server and calls Finish.
  bool TryBegin() {
    std::lock_guard<std::mutex> l(mu_);
    if (began_) return false;
    began_ = true;
    return true;
  }
  // The stop is done: Wait returns.
  void Finish() {
    {
      std::lock_guard<std::mutex> l(mu_);
      finished_ = true;
    }
    cv_.notify_all();
  }
  // Returns once Finish was called.
  void Wait() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [this] { return finished_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool began_ = false;     // guarded by mu_
  bool finished_ = false;  // guarded by mu_
};

}  // namespace ozone
