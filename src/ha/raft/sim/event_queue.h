// EventQueue: the simulation's timers (ticks, disk syncs, snapshot fetches, client actions,
// faults), run in (time, scheduling order) so that a seed always replays identically.
//
// Thread-safety: not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "ha/raft/sim/sim_time.h"

namespace ozone::raft::sim {

class EventQueue {
 public:
  using Action = std::function<void()>;

  void At(SimTime time, Action action) {
    heap_.push_back(Item{time, next_sequence_++, std::move(action)});
    std::push_heap(heap_.begin(), heap_.end(), Later());
  }
  // The time of the earliest event, or kSimTimeInfinity.
  SimTime NextTime() const { return heap_.empty() ? kSimTimeInfinity : heap_.front().time; }
  // Removes the earliest event and returns its action. REQUIRES: !empty().
  Action Pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later());
    Action action = std::move(heap_.back().action);
    heap_.pop_back();
    return action;
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }

 private:
  struct Item {
    SimTime time;
    uint64_t sequence;
    Action action;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const {
      return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
    }
  };
  std::vector<Item> heap_;
  uint64_t next_sequence_ = 0;
};

}  // namespace ozone::raft::sim
