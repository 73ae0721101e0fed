// CoreTestCluster: a few RaftCores wired together synchronously for unit tests of single rules.
// Each node persists to a MemoryLogStore at once; messages wait in one queue until the test
// delivers them (all, or those a filter lets through), so a test can stage exact scenarios.
//
// Thread-safety: single-threaded test helper.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ha/raft/configuration_codec.h"
#include "ha/raft/core/raft_core.h"
#include "ha/raft/testing/memory_log_store.h"

namespace ozone::raft::testing {

struct TestNode {
  PeerId id;
  std::unique_ptr<MemoryLogStore> store;
  std::unique_ptr<RaftCore> core;
  std::vector<Entry> applied;
  std::vector<ReadState> reads;
  std::vector<Event> events;
  std::vector<SnapshotMeta> install_requests;
  bool crashed = false;
};

class CoreTestCluster {
 public:
  // Nodes "n1".."n<count>"; the first `voters` form the initial configuration (written as a
  // config entry at index 1, term 1, in every voter's log), the rest start empty.
  explicit CoreTestCluster(int count, int voters = -1, RaftOptions options = DefaultOptions()) {
    if (voters < 0) voters = count;
    options_ = options;
    Configuration config;
    for (int i = 1; i <= voters; ++i) {
      config.peers.push_back(PeerInfo{Name(i), "addr" + std::to_string(i), PeerRole::kVoter});
    }
    for (int i = 1; i <= count; ++i) {
      auto node = std::make_unique<TestNode>();
      node->id = Name(i);
      node->store = std::make_unique<MemoryLogStore>();
      if (i <= voters) {
        Entry e{Term(1), LogIndex(1), EntryType::kConfig, MakePayload(EncodeConfiguration(config))};
        EXPECT_TRUE(node->store->Append({e}).ok());
        EXPECT_TRUE(node->store->SaveHardState(HardState{Term(1), std::nullopt, LogIndex(0)}).ok());
      }
      nodes_[node->id] = std::move(node);
      Start(Name(i));
    }
  }

  static RaftOptions DefaultOptions() {
    RaftOptions o;
    o.election_ticks = 10;
    o.heartbeat_ticks = 1;
    o.random_seed = 7;
    return o;
  }
  static PeerId Name(int i) { return "n" + std::to_string(i); }

  TestNode& node(const PeerId& id) { return *nodes_.at(id); }
  RaftCore& core(const PeerId& id) { return *nodes_.at(id)->core; }
  std::deque<Message>& queue() { return queue_; }
  RaftOptions& options() { return options_; }

  // (Re)creates a node's core from its store, as a restart would.
  void Start(const PeerId& id, uint64_t seed_offset = 0) {
    TestNode& n = node(id);
    auto state = n.store->LoadState();
    ASSERT_TRUE(state.ok());
    RaftOptions o = options_;
    o.random_seed = options_.random_seed + std::hash<std::string>()(id) + seed_offset;
    InitialState init;
    init.stored = *state;
    init.applied = n.applied.empty() ? state->snapshot.index : n.applied.back().index;
    n.core = std::make_unique<RaftCore>(id, o, n.store.get(), init);
    n.crashed = false;
  }
  // Drops a node's core (its store stays: every write was durable) and its queued messages.
  void Crash(const PeerId& id) {
    node(id).crashed = true;
    std::deque<Message> kept;
    for (auto& m : queue_) {
      if (m.to != id && m.from != id) kept.push_back(std::move(m));
    }
    queue_ = std::move(kept);
  }

  // Runs every node's Ready handling until none has anything to do.
  void Process() {
    bool again = true;
    while (again) {
      again = false;
      for (auto& [id, n] : nodes_) {
        if (n->crashed) continue;
        while (n->core->HasReady()) {
          again = true;
          HandleReady(*n, n->core->TakeReady());
        }
      }
    }
  }

  // Delivers queued messages (and what they cause) until the queue is empty. Messages the
  // filter rejects are dropped; the filter may also alter a message in flight.
  using Filter = std::function<bool(Message&)>;
  void Deliver(const Filter& pass = nullptr) {
    Process();
    size_t delivered = 0;
    while (!queue_.empty()) {
      if (++delivered > 100000) {
        ADD_FAILURE() << "messages never settle; last: " << MessageTypeName(queue_.front().type)
                      << " " << queue_.front().from << "->" << queue_.front().to;
        queue_.clear();
        return;
      }
      Message m = std::move(queue_.front());
      queue_.pop_front();
      if (node(m.to).crashed || isolated_.count(m.to) || isolated_.count(m.from)) continue;
      if (pass && !pass(m)) continue;
      node(m.to).core->Step(std::move(m));
      Process();
    }
  }

  void Tick(const PeerId& id, int times = 1) {
    for (int i = 0; i < times; ++i) node(id).core->Tick();
    Process();
  }
  // Ticks every live node `times` times, delivering messages after each round.
  void TickAll(int times = 1) {
    for (int i = 0; i < times; ++i) {
      for (auto& [id, n] : nodes_) {
        if (!n->crashed) n->core->Tick();
      }
      Deliver();
    }
  }

  // Ticks `id` until it campaigns, then delivers everything; repeats a few rounds (a first
  // round may only teach it the current term). Returns whether it became leader.
  bool Elect(const PeerId& id, const Filter& pass = nullptr) {
    for (int round = 0; round < 5 && core(id).role() != Role::kLeader; ++round) {
      for (int i = 0; i < 10 * options_.election_ticks && core(id).role() == Role::kFollower; ++i) {
        Tick(id);
      }
      Deliver(pass);
    }
    return core(id).role() == Role::kLeader;
  }

  // Proposes on `id` and delivers; returns the index.
  LogIndex Propose(const PeerId& id, const std::string& data) {
    auto r = core(id).Propose(MakePayload(data));
    EXPECT_TRUE(r.ok()) << r.status();
    Deliver();
    return r.ok() ? *r : LogIndex(0);
  }

  void Isolate(const PeerId& id) { isolated_.insert(id); }
  void Heal() { isolated_.clear(); }

  // Commands applied on a node (normal entries only).
  std::vector<std::string> AppliedCommands(const PeerId& id) {
    std::vector<std::string> out;
    for (const Entry& e : node(id).applied) {
      if (e.type == EntryType::kNormal) out.push_back(e.bytes());
    }
    return out;
  }

  bool HasEvent(const PeerId& id, Event::Type type) {
    for (const Event& e : node(id).events) {
      if (e.type == type) return true;
    }
    return false;
  }

 private:
  void HandleReady(TestNode& n, Ready rd) {
    if (rd.hard_state) {
      ASSERT_TRUE(n.store->SaveHardState(*rd.hard_state).ok());
    }
    if (!rd.entries.empty()) {
      ASSERT_TRUE(n.store->Append(rd.entries).ok());
    }
    for (auto& m : rd.messages) queue_.push_back(std::move(m));
    if (rd.NeedsPersist()) n.core->OnPersisted(rd.id);
    for (auto& e : rd.committed) {
      if (!n.applied.empty()) {
        ASSERT_EQ(e.index, n.applied.back().index + 1) << n.id;
      }
      n.applied.push_back(e);
    }
    if (!rd.committed.empty()) n.core->OnApplied(rd.committed.back().index);
    for (auto& r : rd.read_states) n.reads.push_back(r);
    for (auto& e : rd.events) n.events.push_back(std::move(e));
    if (rd.snapshot_to_install) n.install_requests.push_back(*rd.snapshot_to_install);
  }

  RaftOptions options_;
  std::map<PeerId, std::unique_ptr<TestNode>> nodes_;
  std::deque<Message> queue_;
  std::set<PeerId> isolated_;
};

}  // namespace ozone::raft::testing
