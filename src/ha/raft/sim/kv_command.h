// KvCommand: the commands of the simulation's key-value state machine, as they travel in the
// payload of kNormal log entries.
//
// Every command carries the id of the client operation that issued it, so the simulation can tell
// whose entry landed at an index. Keys are small integers and values 64-bit integers (the
// workload writes unique values, which is what makes a history checkable).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ozone::raft::sim {

struct KvCommand {
  enum class Type : uint8_t {
    kPut = 1,  // key := value
    kCas = 2,  // if key == expected (nullopt: absent) then key := value
  };
  Type type = Type::kPut;
  uint64_t op_id = 0;
  uint32_t key = 0;
  int64_t value = 0;
  std::optional<int64_t> expected;

  bool operator==(const KvCommand&) const = default;
};

std::string EncodeKvCommand(const KvCommand& command);
// Corruption if `bytes` is not an encoded command.
Result<KvCommand> DecodeKvCommand(std::string_view bytes);

}  // namespace ozone::raft::sim
