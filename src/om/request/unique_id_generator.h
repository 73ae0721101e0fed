// UniqueIdGenerator: ids for open keys (the clientID of CreateKey), unique across leaders and
// restarts as Ozone's UniqueId: the leader's wall clock in ms shifted left by 16 bits, plus a
// counter for ids within the same ms; never smaller than the last id handed out here.
//
// Thread-safety: Next may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>

namespace ozone::om {

class UniqueIdGenerator {
 public:
  uint64_t Next(uint64_t now_millis) {
    std::lock_guard<std::mutex> l(mu_);
    uint64_t candidate = now_millis << 16;
    last_ = candidate > last_ ? candidate : last_ + 1;
    return last_;
  }

 private:
  std::mutex mu_;
  uint64_t last_ = 0;  // guarded by mu_
};

}  // namespace ozone::om
