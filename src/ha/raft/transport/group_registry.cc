#include "ha/raft/transport/group_registry.h"

namespace ozone::raft {

Status GroupRegistry::Register(const GroupId& group, GroupHandler handler) {
  if (!handler.on_messages) {
    return Status::InvalidArgument("raft transport: group " + group +
                                   " registered without a handler");
  }
  auto slot = std::make_shared<Slot>();
  slot->handler = std::move(handler);
  std::unique_lock lock(mu_);
  if (closed_) return Status::FailedPrecondition("raft transport is shut down");
  auto [it, inserted] = slots_.emplace(group, std::move(slot));
  if (!inserted) {
    return Status::AlreadyExists("raft transport: group " + group + " already has a handler");
  }
  return Status::OK();
}

void GroupRegistry::Unregister(const GroupId& group) {
  std::shared_ptr<Slot> slot;
  {
    std::unique_lock lock(mu_);
    auto it = slots_.find(group);
    if (it == slots_.end()) return;
    slot = std::move(it->second);
    slots_.erase(it);
  }
  std::unique_lock slot_lock(slot->mu);  // waits for running callbacks
  slot->alive = false;
}

void GroupRegistry::Close() {
  std::unordered_map<GroupId, std::shared_ptr<Slot>> slots;
  {
    std::unique_lock lock(mu_);
    closed_ = true;
    slots.swap(slots_);
  }
  for (auto& [group, slot] : slots) {
    std::unique_lock slot_lock(slot->mu);
    slot->alive = false;
  }
}

bool GroupRegistry::ReportUnreachable(const GroupId& group, const PeerId& peer) {
  std::shared_ptr<Slot> slot = Find(group);
  if (slot == nullptr) return false;
  std::shared_lock lock(slot->mu);
  if (!slot->alive) return false;
  if (slot->handler.on_unreachable) slot->handler.on_unreachable(peer);
  return true;
}

std::shared_ptr<GroupRegistry::Slot> GroupRegistry::Find(const GroupId& group) const {
  std::shared_lock lock(mu_);
  auto it = slots_.find(group);
  return it == slots_.end() ? nullptr : it->second;
}

}  // namespace ozone::raft
