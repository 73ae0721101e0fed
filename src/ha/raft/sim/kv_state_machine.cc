#include "ha/raft/sim/kv_state_machine.h"

#include <fmt/format.h>

namespace ozone::raft::sim {

Result<std::optional<KvApplyOutcome>> KvStateMachine::Apply(const Entry& entry) {
  if (entry.index != state_.applied + 1) {
    return Status::FailedPrecondition(
        fmt::format("apply of entry {} after {}", entry.index.value(), state_.applied.value()));
  }
  if (entry.type != EntryType::kNormal) {
    state_.applied = entry.index;
    return std::optional<KvApplyOutcome>();
  }
  OZ_ASSIGN_OR_RETURN(KvCommand command, DecodeKvCommand(entry.bytes()));
  KvApplyOutcome outcome{command, true};
  switch (command.type) {
    case KvCommand::Type::kPut:
      state_.data[command.key] = command.value;
      break;
    case KvCommand::Type::kCas: {
      const std::optional<int64_t> current = Get(command.key);
      outcome.ok = current == command.expected;
      if (outcome.ok) state_.data[command.key] = command.value;
      break;
    }
  }
  state_.applied = entry.index;
  return std::optional<KvApplyOutcome>(outcome);
}

std::optional<int64_t> KvStateMachine::Get(uint32_t key) const {
  auto it = state_.data.find(key);
  if (it == state_.data.end()) return std::nullopt;
  return it->second;
}

}  // namespace ozone::raft::sim
