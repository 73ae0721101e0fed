// SimNetwork: the simulated network between the servers of a run.
//
// Every message sent gets a random delay and goes into one delivery queue ordered by (delivery
// time, send sequence), so that a seed always delivers the same messages in the same order.
// Faults: a message may be dropped or duplicated (each copy with its own delay); random delays
// reorder messages, and a few take a much longer path; links are directional, so partitions may
// be arbitrary groups or asymmetric (A hears B, B does not hear A). A message is lost if its link
// is down when it is sent or when it arrives.
//
// Thread-safety: not thread-safe; the simulation is single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "ha/raft/message.h"
#include "ha/raft/sim/sim_random.h"
#include "ha/raft/sim/sim_time.h"

namespace ozone::raft::sim {

struct NetworkFaults {
  // Probability that a message is lost. Default: 0.
  double drop_probability = 0;
  // Probability that a message is delivered twice. Default: 0.
  double duplicate_probability = 0;
  // Range of the usual one-way delay. Default: 100us to 2ms.
  SimDuration min_delay = 100 * kMicrosecond;
  SimDuration max_delay = 2 * kMillisecond;
  // Probability that a message takes a slow path, up to `slow_max_delay`, and so arrives after
  // many later ones. Default: 0 (no slow path), 50ms.
  double slow_probability = 0;
  SimDuration slow_max_delay = 50 * kMillisecond;
};

struct NetworkStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t dropped = 0;  // by the drop probability
  uint64_t duplicated = 0;
  uint64_t cut = 0;  // lost to a link that was down
};

class SimNetwork {
 public:
  explicit SimNetwork(uint64_t seed) : random_(seed) {}

  void set_faults(const NetworkFaults& faults) { faults_ = faults; }
  const NetworkFaults& faults() const { return faults_; }

  // --- Links (directional) ------------------------------------------------------------------
  void CutLink(const PeerId& from, const PeerId& to);
  void RestoreLink(const PeerId& from, const PeerId& to);
  // Cuts both directions between `peer` and each of `others`.
  void Isolate(const PeerId& peer, const std::vector<PeerId>& others);
  // Cuts every link between peers of different groups. Links of peers not in any group are left
  // as they are.
  void Partition(const std::vector<std::vector<PeerId>>& groups);
  // Restores every link.
  void HealAll() { cut_.clear(); }
  bool LinkUp(const PeerId& from, const PeerId& to) const;
  bool AllLinksUp() const { return cut_.empty(); }

  // --- Traffic ------------------------------------------------------------------------------
  enum class SendResult : uint8_t {
    kQueued,    // on its way (once or twice)
    kDropped,   // lost by the drop probability
    kLinkDown,  // not sent: the link is down
  };
  // Sends `message` (from message.from to message.to) at `now`.
  SendResult Send(Message message, SimTime now);
  // The time of the earliest queued delivery, or kSimTimeInfinity.
  SimTime NextDeliveryTime() const;
  // The earliest queued message, `lost` if its link went down while it was on its way.
  struct Arrival {
    Message message;
    bool lost = false;
  };
  // Takes the earliest queued message. REQUIRES: NextDeliveryTime() != kSimTimeInfinity.
  Arrival PopNext();
  size_t in_flight() const { return queue_.size(); }
  const NetworkStats& stats() const { return stats_; }

 private:
  struct InFlight {
    SimTime time;
    uint64_t sequence;
    Message message;
  };
  struct Later {
    bool operator()(const InFlight& a, const InFlight& b) const {
      return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
    }
  };

  SimDuration DrawDelay();
  void Enqueue(Message message, SimTime time);

  SimRandom random_;
  NetworkFaults faults_;
  std::set<std::pair<PeerId, PeerId>> cut_;  // (from, to) links that are down
  std::vector<InFlight> queue_;              // a min-heap under Later
  uint64_t next_sequence_ = 0;
  NetworkStats stats_;
};

}  // namespace ozone::raft::sim
