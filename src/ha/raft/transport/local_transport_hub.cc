#include "ha/raft/transport/local_transport_hub.h"

#include <spdlog/spdlog.h>

#include <cassert>
#include <deque>
#include <thread>
#include <vector>

#include "common/thread_name.h"
#include "ha/raft/transport/group_registry.h"
#include "ha/raft/transport/transport_counters.h"

namespace ozone::raft {

class LocalTransportHub::Endpoint final : public Transport {
 public:
  Endpoint(LocalTransportHub* hub, std::string address)
      : hub_(hub), address_(std::move(address)), thread_([this] { Run(); }) {}

  ~Endpoint() override { Shutdown(); }

  const std::string& address() const { return address_; }
  TransportCounters& counters() { return counters_; }

  Status RegisterGroup(const GroupId& group, GroupHandler handler) override {
    return registry_.Register(group, std::move(handler));
  }
  void UnregisterGroup(const GroupId& group) override { registry_.Unregister(group); }

  void Send(const GroupId& group, const std::string& address, Message message) override {
    hub_->Route(this, group, address, std::move(message));
  }

  void Shutdown() override {
    hub_->Remove(this);  // nothing is queued here any more, by us or to us
    std::deque<Event> dropped;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    {
      std::lock_guard lock(mu_);
      dropped.swap(events_);
      queued_bytes_ = 0;
    }
    TransportCounters::Add(counters_.dropped_shutdown, dropped.size());
    hub_->DonePending(dropped.size());
    registry_.Close();
  }

  TransportStats stats() const override { return counters_.Snapshot(); }

  // Called by the hub with its mutex held. False if the queue is full.
  bool EnqueueMessage(const std::string& from, const GroupId& group, Message message,
                      size_t max_queue_bytes) {
    const size_t bytes = message.ByteSize() + group.size();
    std::lock_guard lock(mu_);
    if (!events_.empty() && queued_bytes_ + bytes > max_queue_bytes) return false;
    queued_bytes_ += bytes;
    events_.push_back(Event{Event::kMessage, from, group, std::move(message), bytes});
    hub_->AddPending(1);
    if (events_.size() == 1) cv_.notify_one();
    return true;
  }

  // Called by the hub with its mutex held. Coalesces with a report still queued.
  void EnqueueUnreachable(const GroupId& group, const PeerId& peer) {
    std::lock_guard lock(mu_);
    if (!unreachable_queued_.emplace(group, peer).second) return;
    Event event{Event::kUnreachable, "", group, Message(), 0};
    event.message.to = peer;
    events_.push_back(std::move(event));
    hub_->AddPending(1);
    if (events_.size() == 1) cv_.notify_one();
  }

 private:
  struct Event {
    enum Kind { kMessage, kUnreachable } kind;
    std::string from;
    GroupId group;
    Message message;  // kUnreachable: only `to`, the unreachable peer
    size_t bytes;
  };

  void Run() {
    NameThisThread("raft-local");
    std::deque<Event> events;
    while (true) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !events_.empty(); });
        if (stopping_) return;
        events.swap(events_);
        queued_bytes_ = 0;
        unreachable_queued_.clear();
      }
      const size_t count = events.size();
      while (!events.empty()) {
        Event& first = events.front();
        if (first.kind == Event::kUnreachable) {
          registry_.ReportUnreachable(first.group, first.message.to);
          events.pop_front();
          continue;
        }
        // One batch: consecutive messages from one sender for one group.
        const std::string from = first.from;
        const GroupId group = first.group;
        size_t n = 0;
        while (n < events.size() && events[n].kind == Event::kMessage && events[n].from == from &&
               events[n].group == group) {
          ++n;
        }
        const bool known = registry_.Deliver(group, [&] {
          std::vector<Message> batch;
          batch.reserve(n);
          for (size_t i = 0; i < n; ++i) batch.push_back(std::move(events[i].message));
          TransportCounters::Add(counters_.batches_received, 1);
          TransportCounters::Add(counters_.messages_received, n);
          return batch;
        });
        if (!known) {
          TransportCounters::Add(counters_.dropped_unknown_group, n);
          spdlog::warn(
              "raft local transport {}: dropped {} message(s) from {} for group {}, which "
              "has no handler",
              address_, n, from, group);
        }
        events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(n));
      }
      hub_->DonePending(count);
    }
  }

  LocalTransportHub* const hub_;
  const std::string address_;
  TransportCounters counters_;
  GroupRegistry registry_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;                                 // GUARDED_BY(mu_)
  size_t queued_bytes_ = 0;                                  // GUARDED_BY(mu_)
  std::set<std::pair<GroupId, PeerId>> unreachable_queued_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                                    // GUARDED_BY(mu_)
  std::thread thread_;  // last: starts after the members above exist
};

LocalTransportHub::LocalTransportHub(LocalTransportHubOptions options) : options_(options) {}

LocalTransportHub::~LocalTransportHub() {
  std::lock_guard lock(mu_);
  assert(endpoints_.empty() && "endpoints must be destroyed before their hub");
}

Result<std::unique_ptr<Transport>> LocalTransportHub::CreateEndpoint(const std::string& address) {
  std::lock_guard lock(mu_);
  if (endpoints_.count(address) != 0) {
    return Status::AlreadyExists("local transport: an endpoint already lives at " + address);
  }
  auto endpoint = std::make_unique<Endpoint>(this, address);
  endpoints_[address] = endpoint.get();
  return std::unique_ptr<Transport>(std::move(endpoint));
}

void LocalTransportHub::CutLink(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  cut_.emplace(from, to);
}

void LocalTransportHub::Partition(const std::string& a, const std::string& b) {
  std::lock_guard lock(mu_);
  cut_.emplace(a, b);
  cut_.emplace(b, a);
}

void LocalTransportHub::Isolate(const std::string& address) {
  std::lock_guard lock(mu_);
  isolated_.insert(address);
}

void LocalTransportHub::Heal(const std::string& a, const std::string& b) {
  std::lock_guard lock(mu_);
  cut_.erase({a, b});
  cut_.erase({b, a});
  isolated_.erase(a);
  isolated_.erase(b);
}

void LocalTransportHub::HealAll() {
  std::lock_guard lock(mu_);
  cut_.clear();
  isolated_.clear();
}

void LocalTransportHub::SetFilter(Filter filter) {
  auto shared = filter ? std::make_shared<const Filter>(std::move(filter)) : nullptr;
  std::lock_guard lock(mu_);
  filter_ = std::move(shared);
}

uint64_t LocalTransportHub::dropped_by_filter() const {
  std::lock_guard lock(mu_);
  return dropped_by_filter_;
}

bool LocalTransportHub::WaitUntilIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(idle_mu_);
  return idle_cv_.wait_for(lock, timeout, [&] { return pending_ == 0; });
}

bool LocalTransportHub::Blocked(const std::string& from, const std::string& to) const {
  return isolated_.count(from) != 0 || isolated_.count(to) != 0 || cut_.count({from, to}) != 0;
}

void LocalTransportHub::Route(Endpoint* sender, const GroupId& group, const std::string& to,
                              Message message) {
  std::shared_ptr<const Filter> filter;
  {
    std::lock_guard lock(mu_);
    filter = filter_;
  }
  if (filter != nullptr && !(*filter)(sender->address(), to, group, message)) {
    std::lock_guard lock(mu_);
    ++dropped_by_filter_;
    return;
  }
  std::lock_guard lock(mu_);
  auto self = endpoints_.find(sender->address());
  if (self == endpoints_.end() || self->second != sender) {  // the sender is shut down
    TransportCounters::Add(sender->counters().dropped_shutdown, 1);
    return;
  }
  auto it = endpoints_.find(to);
  if (it == endpoints_.end() || Blocked(sender->address(), to)) {
    TransportCounters::Add(sender->counters().dropped_unreachable, 1);
    sender->EnqueueUnreachable(group, message.to);
    return;
  }
  const PeerId peer = message.to;
  if (!it->second->EnqueueMessage(sender->address(), group, std::move(message),
                                  options_.max_queue_bytes)) {
    TransportCounters::Add(sender->counters().dropped_queue_full, 1);
    sender->EnqueueUnreachable(group, peer);
    return;
  }
  TransportCounters::Add(sender->counters().messages_sent, 1);
}

void LocalTransportHub::Remove(Endpoint* endpoint) {
  std::lock_guard lock(mu_);
  auto it = endpoints_.find(endpoint->address());
  if (it != endpoints_.end() && it->second == endpoint) endpoints_.erase(it);
}

void LocalTransportHub::AddPending(size_t n) {
  std::lock_guard lock(idle_mu_);
  pending_ += n;
}

void LocalTransportHub::DonePending(size_t n) {
  if (n == 0) return;
  std::lock_guard lock(idle_mu_);
  pending_ -= n;
  if (pending_ == 0) idle_cv_.notify_all();
}

}  // namespace ozone::raft
