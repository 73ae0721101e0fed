// TransportCounters: the atomic counters behind Transport::stats(), shared by the parts of one
// transport (its streams, its receiving side).
//
// Thread-safety: every member is an atomic; Snapshot() reads each one independently (the
// snapshot is not a consistent cut across counters).
#pragma once

#include <atomic>
#include <cstdint>

#include "ha/raft/transport/transport.h"

namespace ozone::raft {

struct TransportCounters {
  std::atomic<uint64_t> messages_sent{0};
  std::atomic<uint64_t> batches_sent{0};
  std::atomic<uint64_t> messages_received{0};
  std::atomic<uint64_t> batches_received{0};
  std::atomic<uint64_t> dropped_queue_full{0};
  std::atomic<uint64_t> dropped_unreachable{0};
  std::atomic<uint64_t> dropped_unknown_group{0};
  std::atomic<uint64_t> dropped_malformed{0};
  std::atomic<uint64_t> dropped_shutdown{0};
  std::atomic<uint64_t> connects{0};
  std::atomic<uint64_t> connect_failures{0};
  std::atomic<uint64_t> handshake_rejections{0};
  std::atomic<uint64_t> streams_refused{0};

  static void Add(std::atomic<uint64_t>& counter, uint64_t n) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }

  TransportStats Snapshot() const {
    TransportStats s;
    s.messages_sent = messages_sent.load(std::memory_order_relaxed);
    s.batches_sent = batches_sent.load(std::memory_order_relaxed);
    s.messages_received = messages_received.load(std::memory_order_relaxed);
    s.batches_received = batches_received.load(std::memory_order_relaxed);
    s.dropped_queue_full = dropped_queue_full.load(std::memory_order_relaxed);
    s.dropped_unreachable = dropped_unreachable.load(std::memory_order_relaxed);
    s.dropped_unknown_group = dropped_unknown_group.load(std::memory_order_relaxed);
    s.dropped_malformed = dropped_malformed.load(std::memory_order_relaxed);
    s.dropped_shutdown = dropped_shutdown.load(std::memory_order_relaxed);
    s.connects = connects.load(std::memory_order_relaxed);
    s.connect_failures = connect_failures.load(std::memory_order_relaxed);
    s.handshake_rejections = handshake_rejections.load(std::memory_order_relaxed);
    s.streams_refused = streams_refused.load(std::memory_order_relaxed);
    return s;
  }
};

}  // namespace ozone::raft
