// GroupRegistry: the handlers of the Raft groups one transport serves, keyed by GroupId.
//
// Delivering to a group runs its handler under a per-group shared lock, so that several
// receiving threads can deliver to one group at once while Unregister waits (exclusive lock)
// until every running callback of that group has returned: once Unregister returns, the
// handler is never called again and its captures may be destroyed.
//
// Thread-safety: every method may be called from any thread, except that Unregister and Close
// must not be called from inside a handler (they would wait for themselves).
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "ha/raft/message.h"
#include "ha/raft/transport/transport.h"

namespace ozone::raft {

class GroupRegistry {
 public:
  GroupRegistry() = default;
  GroupRegistry(const GroupRegistry&) = delete;
  GroupRegistry& operator=(const GroupRegistry&) = delete;

  // AlreadyExists if `group` has a handler; FailedPrecondition after Close; InvalidArgument if
  // handler.on_messages is empty.
  Status Register(const GroupId& group, GroupHandler handler);
  // Removes the group's handler and waits for its running callbacks. No-op if unknown.
  void Unregister(const GroupId& group);
  // Unregisters every group and refuses new registrations.
  void Close();

  // If `group` has a handler, builds the batch with `make_batch()` (only then: decoding is
  // skipped for unknown groups) and hands it to on_messages unless it is empty. Returns false,
  // without calling make_batch, if the group has no handler.
  template <typename MakeBatch>
  bool Deliver(const GroupId& group, MakeBatch&& make_batch);

  // Calls the group's on_unreachable(peer), if any. False if the group has no handler.
  bool ReportUnreachable(const GroupId& group, const PeerId& peer);

 private:
  struct Slot {
    GroupHandler handler;
    std::shared_mutex mu;  // shared: a callback runs; exclusive: Unregister
    bool alive = true;     // GUARDED_BY(mu)
  };

  std::shared_ptr<Slot> Find(const GroupId& group) const;

  mutable std::shared_mutex mu_;
  std::unordered_map<GroupId, std::shared_ptr<Slot>> slots_;  // GUARDED_BY(mu_)
  bool closed_ = false;                                       // GUARDED_BY(mu_)
};

template <typename MakeBatch>
bool GroupRegistry::Deliver(const GroupId& group, MakeBatch&& make_batch) {
  std::shared_ptr<Slot> slot = Find(group);
  if (slot == nullptr) return false;
  std::shared_lock lock(slot->mu);
  if (!slot->alive) return false;
  std::vector<Message> batch = make_batch();
  if (!batch.empty()) slot->handler.on_messages(std::move(batch));
  return true;
}

}  // namespace ozone::raft
