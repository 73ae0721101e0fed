// SimOptions: everything that shapes one simulation run, derived from its seed.
//
// OptionsForSeed() draws a fault profile per seed (how often servers crash, how lossy the network
// is, how often snapshots and membership changes happen...), so that a range of seeds covers
// calm and hostile runs alike, and a seed alone replays a run exactly.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>

#include "ha/raft/core/raft_core.h"
#include "ha/raft/sim/sim_network.h"
#include "ha/raft/sim/sim_time.h"

namespace ozone::raft::sim {

struct FaultProfile {
  // Mean time between two faults or administrative actions (crash, partition, membership
  // change, transfer...). Default: 150ms.
  SimDuration nemesis_interval = 150 * kMillisecond;
  // Relative weights of the nemesis actions. Default: all on.
  int crash_weight = 3;
  int partition_weight = 3;
  int heal_weight = 3;
  int network_weight = 2;     // change drop/duplicate/delay rates
  int membership_weight = 2;  // add learner, promote, remove (leader included)
  int transfer_weight = 1;    // leadership transfer
  int snapshot_weight = 2;    // a random server takes a snapshot now
  int pause_weight = 1;       // a server stops for a while (GC, VM stall), then resumes
  // How long a pause lasts. Default: 10ms to 400ms.
  SimDuration min_pause = 10 * kMillisecond;
  SimDuration max_pause = 400 * kMillisecond;
  // How long a crashed server stays down. Default: 20ms to 600ms.
  SimDuration min_down = 20 * kMillisecond;
  SimDuration max_down = 600 * kMillisecond;
  // Each server snapshots its state machine after this many applied entries. Default: 50.
  uint64_t snapshot_every = 50;
  // Probability that applying a Ready also makes the state machine durable (a flush), so that a
  // restart resumes from there rather than from the last snapshot. Default: 0.3.
  double flush_probability = 0.3;
  // Probability that fetching a snapshot from the leader fails (and is retried). Default: 0.1.
  double fetch_failure_probability = 0.1;
  // Worst network during the chaos phase.
  NetworkFaults network;
};

// Deliberate mistakes of the driver, to show that the checkers catch what they are meant to
// (raft_sim_test's sabotage tests). OptionsForSeed never sets one.
enum class Sabotage : uint8_t {
  kNone,
  kAckBeforeSync,    // OnPersisted as soon as a Ready is written, before the log sync
  kServeReadsEarly,  // a confirmed read is answered before the state machine reaches its index
  kForgetVote,       // a restarting server loses the vote it made durable
};

struct SimOptions {
  uint64_t seed = 1;
  // Voters of the initial configuration: 3 or 5. Default: 3.
  int nodes = 3;
  // Servers outside the initial configuration that membership changes may add. Default: 2.
  int spare_nodes = 2;
  // Concurrent clients, each with one operation at a time, over `keys` keys. Default: 3, 3.
  int clients = 3;
  int keys = 3;
  // Faults and client traffic last this long; then the network heals, servers restart and the
  // cluster must converge within `converge_timeout`. Default: 2s, 30s.
  SimDuration chaos_duration = 2 * kSecond;
  SimDuration converge_timeout = 30 * kSecond;
  // The nominal tick period; each server's clock runs at its own rate, off by up to
  // `max_clock_skew` (0.1 = 10%). Default: 10ms, 0.1.
  SimDuration tick_interval = 10 * kMillisecond;
  double max_clock_skew = 0.1;
  // Latency of one log sync (fdatasync), and of a rare slow one. Default: 50us..2ms; 1% up to
  // 40ms.
  SimDuration min_sync_latency = 50 * kMicrosecond;
  SimDuration max_sync_latency = 2 * kMillisecond;
  double slow_sync_probability = 0.01;
  SimDuration slow_sync_latency = 40 * kMillisecond;
  // Fetching a snapshot out of band. Default: 1ms..40ms.
  SimDuration min_fetch_latency = 1 * kMillisecond;
  SimDuration max_fetch_latency = 40 * kMillisecond;
  // Client to server one-way latency, client think time and operation timeout. Default:
  // 50us..1ms, 0..20ms, 1s.
  SimDuration min_client_latency = 50 * kMicrosecond;
  SimDuration max_client_latency = 1 * kMillisecond;
  SimDuration max_think_time = 20 * kMillisecond;
  SimDuration op_timeout = 1 * kSecond;
  // How the transport behaves when a message is lost. false: silently, as a datagram network
  // (only a send on a link that is down fails, at the sender). true: as connections (gRPC
  // streams over TCP) do: a lost message breaks the connection, and both ends see it after
  // `loss_detection` and report the other unreachable. Default: false, 1ms..20ms.
  bool connection_transport = false;
  SimDuration min_loss_detection = 1 * kMillisecond;
  SimDuration max_loss_detection = 20 * kMillisecond;
  // Bootstrap: the initial configuration as a configuration entry at index 1 (true) or as the
  // configuration of the empty snapshot at index 0 (false).
  bool bootstrap_with_entry = true;
  RaftOptions raft;
  FaultProfile faults;
  // A run taking more steps than this fails (a message storm, a busy loop). Default: 20M.
  uint64_t max_steps = 20'000'000;
  // Default: kNone.
  Sabotage sabotage = Sabotage::kNone;
};

// The options of run `seed` with `nodes` initial voters: a fault profile drawn from the seed.
SimOptions OptionsForSeed(uint64_t seed, int nodes);

}  // namespace ozone::raft::sim
