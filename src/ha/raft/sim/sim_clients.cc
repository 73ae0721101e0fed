#include "ha/raft/sim/sim_clients.h"

#include <fmt/format.h>

#include <algorithm>

#include "ha/raft/sim/sim_node.h"

namespace ozone::raft::sim {

SimClients::SimClients(SimWorld* world, NodeDirectory* nodes)
    : world_(world), nodes_(nodes), clients_(static_cast<size_t>(world->options.clients)) {}

void SimClients::Start() {
  issuing_ = true;
  for (int c = 0; c < static_cast<int>(clients_.size()); ++c) {
    world_->After(world_->random.Uniform(0, world_->options.max_think_time),
                  [this, c] { Issue(c); });
  }
}

bool SimClients::Idle() const {
  return std::all_of(clients_.begin(), clients_.end(),
                     [](const Client& c) { return c.current == 0; });
}

SimDuration SimClients::Latency() {
  return world_->random.Uniform(world_->options.min_client_latency,
                                world_->options.max_client_latency);
}

PeerId SimClients::RandomNode() { return world_->random.Pick(nodes_->node_ids()); }

std::optional<PeerId> SimClients::KnownNode(const std::string& name) const {
  const auto& ids = nodes_->node_ids();
  if (std::find(ids.begin(), ids.end(), name) == ids.end()) return std::nullopt;
  return name;
}

void SimClients::Issue(int client) {
  if (!issuing_) return;
  Client& c = clients_[client];
  Op op;
  op.id = next_op_++;
  op.client = client;
  op.invoke = world_->now;
  op.key = static_cast<uint32_t>(world_->random.Uniform(0, world_->options.keys - 1));
  const int64_t what = world_->random.Uniform(0, 99);
  if (what < 40) {
    op.is_read = true;
  } else {
    op.command.op_id = op.id;
    op.command.key = op.key;
    op.command.value = static_cast<int64_t>(op.id);  // unique: a read names the write it saw
    op.command.type = what < 85 ? KvCommand::Type::kPut : KvCommand::Type::kCas;
    if (op.command.type == KvCommand::Type::kCas) {
      auto seen = c.last_seen.find(op.key);
      if (seen != c.last_seen.end() && world_->random.Chance(0.8))
        op.command.expected = seen->second;
    }
  }
  SIM_TRACE(world_->trace, "client {} invokes op {}: {} k{}", client, op.id,
            op.is_read ? "get"
            : op.command.type == KvCommand::Type::kPut
                ? fmt::format("put {}", op.command.value)
                : fmt::format("cas {} -> {}",
                              op.command.expected ? std::to_string(*op.command.expected) : "absent",
                              op.command.value),
            op.key);
  const uint64_t id = op.id;
  ops_.emplace(id, op);
  ++stats_.invoked;
  c.current = id;
  world_->After(world_->options.op_timeout, [this, id] { TimeOut(id); });
  Send(id, c.leader ? *c.leader : RandomNode());
}

void SimClients::Send(uint64_t op_id, PeerId target) {
  Op& op = ops_.at(op_id);
  const uint64_t attempt = ++op.attempt;
  ++stats_.attempts;
  world_->After(Latency(), [this, op_id, attempt, target = std::move(target)] {
    Arrive(op_id, attempt, target);
  });
}

void SimClients::Arrive(uint64_t op_id, uint64_t attempt, const PeerId& target) {
  Op& op = ops_.at(op_id);
  if (op.state != OpState::kPending || op.attempt != attempt) return;
  SimNode* node = nodes_->FindNode(target);
  const SimDuration backoff = world_->random.Uniform(1, 10) * kMillisecond;
  if (node == nullptr || !node->alive()) return Retry(op_id, std::nullopt, backoff);
  if (node->paused()) {
    // The request sits in the server's socket until the process runs again.
    world_->events.At(node->paused_until(),
                      [this, op_id, attempt, target] { Arrive(op_id, attempt, target); });
    return;
  }
  Status s;
  if (op.is_read) {
    s = node->Read(op_id, op.key);
  } else {
    Result<LogIndex> index = node->ProposeWrite(op.command);
    if (index.ok()) ++op.live_proposals;
    s = index.status();
  }
  if (s.ok()) return;  // the answer comes through the ClientSink
  // The refusal travels back to the client.
  std::optional<PeerId> hint = s.IsNotLeader() ? KnownNode(s.message()) : std::nullopt;
  if (hint == target) hint.reset();
  Retry(op_id, hint, Latency() + (hint ? 0 : backoff));
}

void SimClients::Retry(uint64_t op_id, std::optional<PeerId> hint, SimDuration backoff) {
  world_->After(backoff, [this, op_id, hint = std::move(hint)] {
    if (ops_.at(op_id).state != OpState::kPending) return;
    Send(op_id, hint ? *hint : RandomNode());
  });
}

void SimClients::Finish(uint64_t op_id, OpState state) {
  Op& op = ops_.at(op_id);
  op.state = state;
  op.returned = world_->now;
  Client& c = clients_[op.client];
  c.current = 0;
  switch (state) {
    case OpState::kOk:
      ++stats_.ok;
      if (op.is_read) {
        if (op.read) c.last_seen[op.key] = *op.read;
      } else if (op.command.type == KvCommand::Type::kPut || op.cas_ok) {
        c.last_seen[op.key] = op.command.value;
      }
      break;
    case OpState::kUnknown:
      ++stats_.unknown;
      break;
    case OpState::kNoEffect:
      ++stats_.no_effect;
      break;
    case OpState::kPending:
      break;
  }
  SIM_TRACE(world_->trace, "client {} op {} ends: {}{}", op.client, op_id,
            state == OpState::kOk        ? "ok"
            : state == OpState::kUnknown ? "unknown"
                                         : "no effect",
            op.is_read && state == OpState::kOk
                ? fmt::format(" read {}", op.read ? std::to_string(*op.read) : "<absent>")
                : "");
  const int client = op.client;
  world_->After(world_->random.Uniform(1, world_->options.max_think_time),
                [this, client] { Issue(client); });
}

void SimClients::TimeOut(uint64_t op_id) {
  Op& op = ops_.at(op_id);
  if (op.state != OpState::kPending) return;
  const bool maybe = !op.is_read && (op.live_proposals > 0 || op.maybe_applied);
  Finish(op_id, maybe ? OpState::kUnknown : OpState::kNoEffect);
}

void SimClients::OnCommandApplied(const PeerId& node, LogIndex index,
                                  const KvApplyOutcome& outcome) {
  auto [it, inserted] =
      applied_.try_emplace(outcome.command.op_id, FirstApply{world_->now, index, outcome.ok});
  if (!inserted && it->second.index != index) {
    world_->Fail(Status::Internal(fmt::format("op {} applied at index {} and, on {}, at index {}",
                                              outcome.command.op_id, it->second.index.value(), node,
                                              index.value())));
  }
}

void SimClients::OnWriteResult(const PeerId& node, uint64_t op_id, WriteResult result,
                               bool cas_ok) {
  world_->After(Latency(), [this, node, op_id, result, cas_ok] {
    Op& op = ops_.at(op_id);
    if (op.state != OpState::kPending) return;
    switch (result) {
      case WriteResult::kApplied:
        op.cas_ok = cas_ok;
        clients_[op.client].leader = node;
        Finish(op_id, OpState::kOk);
        break;
      case WriteResult::kReplaced:
        // Another entry was committed at its index: it never took effect; try again.
        --op.live_proposals;
        Retry(op_id, node, 0);
        break;
      case WriteResult::kUnknown:
        op.maybe_applied = true;
        Finish(op_id, OpState::kUnknown);
        break;
    }
  });
}

void SimClients::OnReadResult(const PeerId& node, uint64_t op_id, bool ok,
                              std::optional<int64_t> value) {
  world_->After(Latency(), [this, node, op_id, ok, value] {
    Op& op = ops_.at(op_id);
    if (op.state != OpState::kPending) return;
    if (!ok) return Retry(op_id, std::nullopt, world_->random.Uniform(1, 10) * kMillisecond);
    op.read = value;
    clients_[op.client].leader = node;
    Finish(op_id, OpState::kOk);
  });
}

std::vector<KvOperation> SimClients::History() const {
  std::vector<KvOperation> history;
  history.reserve(ops_.size());
  for (const auto& [id, op] : ops_) {
    KvOperation k;
    k.id = id;
    k.client = op.client;
    k.key = fmt::format("k{}", op.key);
    k.invoke_time = op.invoke;
    if (op.is_read) {
      if (op.state != OpState::kOk) continue;  // a failed read had no effect
      k.kind = KvOperation::Kind::kGet;
      if (op.read) k.read = std::to_string(*op.read);
      k.return_time = op.returned;
      history.push_back(std::move(k));
      continue;
    }
    k.kind = op.command.type == KvCommand::Type::kPut ? KvOperation::Kind::kPut
                                                      : KvOperation::Kind::kCas;
    k.value = std::to_string(op.command.value);
    if (op.command.expected) k.expected = std::to_string(*op.command.expected);
    auto applied = applied_.find(id);
    if (op.state == OpState::kOk) {
      k.cas_ok = op.cas_ok;
      k.return_time = op.returned;
      // Applied anywhere means committed: the write took effect by then.
      if (applied != applied_.end()) k.return_time = std::min(k.return_time, applied->second.time);
    } else if (applied != applied_.end()) {
      // The client gave up, but a server applied it: it took effect by then, with this outcome.
      k.cas_ok = applied->second.cas_ok;
      k.return_time = applied->second.time;
    } else if (op.state == OpState::kNoEffect) {
      continue;  // no server ever accepted it
    } else {
      k.known = false;  // may take effect at any time after its invocation, or never
    }
    history.push_back(std::move(k));
  }
  return history;
}

Status SimClients::CheckWrites(const std::vector<AppliedEntry>& log) const {
  for (const auto& [id, op] : ops_) {
    if (op.is_read) continue;
    auto applied = applied_.find(id);
    if (op.state == OpState::kNoEffect && applied != applied_.end()) {
      return Status::Internal(
          fmt::format("write op {} was reported without effect but was "
                      "applied at index {}",
                      id, applied->second.index.value()));
    }
    if (op.state != OpState::kOk) continue;
    if (applied == applied_.end()) {
      return Status::Internal(fmt::format("acknowledged write op {} was never applied", id));
    }
    const LogIndex index = applied->second.index;
    if (index.value() == 0 || index.value() > log.size() ||
        log[index.value() - 1].type != EntryType::kNormal) {
      return Status::Internal(
          fmt::format("acknowledged write op {} is missing from the applied "
                      "log at index {}",
                      id, index.value()));
    }
    const AppliedEntry& entry = log[index.value() - 1];
    Result<KvCommand> command = DecodeKvCommand(entry.data ? *entry.data : EmptyBytes());
    if (!command.ok() || command->op_id != id) {
      return Status::Internal(fmt::format(
          "acknowledged write op {} is not the entry applied at index {}", id, index.value()));
    }
    if (op.cas_ok != applied->second.cas_ok) {
      return Status::Internal(fmt::format("write op {} answered cas {} but applied as {}", id,
                                          op.cas_ok, applied->second.cas_ok));
    }
  }
  return Status::OK();
}

}  // namespace ozone::raft::sim
