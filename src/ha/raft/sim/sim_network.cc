#include "ha/raft/sim/sim_network.h"

#include <algorithm>

namespace ozone::raft::sim {

void SimNetwork::CutLink(const PeerId& from, const PeerId& to) { cut_.emplace(from, to); }

void SimNetwork::RestoreLink(const PeerId& from, const PeerId& to) { cut_.erase({from, to}); }

void SimNetwork::Isolate(const PeerId& peer, const std::vector<PeerId>& others) {
  for (const PeerId& other : others) {
    if (other == peer) continue;
    CutLink(peer, other);
    CutLink(other, peer);
  }
}

void SimNetwork::Partition(const std::vector<std::vector<PeerId>>& groups) {
  for (size_t a = 0; a < groups.size(); ++a) {
    for (size_t b = 0; b < groups.size(); ++b) {
      if (a == b) continue;
      for (const PeerId& from : groups[a]) {
        for (const PeerId& to : groups[b]) CutLink(from, to);
      }
    }
  }
}

bool SimNetwork::LinkUp(const PeerId& from, const PeerId& to) const {
  return cut_.empty() || cut_.find({from, to}) == cut_.end();
}

SimDuration SimNetwork::DrawDelay() {
  if (random_.Chance(faults_.slow_probability)) {
    return random_.Uniform(faults_.max_delay, std::max(faults_.max_delay, faults_.slow_max_delay));
  }
  return random_.Uniform(faults_.min_delay, std::max(faults_.min_delay, faults_.max_delay));
}

void SimNetwork::Enqueue(Message message, SimTime time) {
  queue_.push_back(InFlight{time, next_sequence_++, std::move(message)});
  std::push_heap(queue_.begin(), queue_.end(), Later());
}

SimNetwork::SendResult SimNetwork::Send(Message message, SimTime now) {
  ++stats_.sent;
  if (!LinkUp(message.from, message.to)) {
    ++stats_.cut;
    return SendResult::kLinkDown;
  }
  if (random_.Chance(faults_.drop_probability)) {
    ++stats_.dropped;
    return SendResult::kDropped;
  }
  if (random_.Chance(faults_.duplicate_probability)) {
    ++stats_.duplicated;
    Enqueue(message, now + DrawDelay());
  }
  const SimDuration delay = DrawDelay();
  Enqueue(std::move(message), now + delay);
  return SendResult::kQueued;
}

SimTime SimNetwork::NextDeliveryTime() const {
  return queue_.empty() ? kSimTimeInfinity : queue_.front().time;
}

SimNetwork::Arrival SimNetwork::PopNext() {
  std::pop_heap(queue_.begin(), queue_.end(), Later());
  Arrival arrival{std::move(queue_.back().message), false};
  queue_.pop_back();
  if (!LinkUp(arrival.message.from, arrival.message.to)) {
    ++stats_.cut;
    arrival.lost = true;
    return arrival;
  }
  ++stats_.delivered;
  return arrival;
}

}  // namespace ozone::raft::sim
