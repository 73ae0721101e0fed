#include "ha/raft/sim/kv_command.h"

#include <cstring>

namespace ozone::raft::sim {

namespace {

// Layout (little-endian fixed width): type u8, has_expected u8, key u32, op_id u64, value i64,
// expected i64.
constexpr size_t kEncodedSize = 1 + 1 + 4 + 8 + 8 + 8;

template <typename T>
void Put(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

template <typename T>
T Get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

std::string EncodeKvCommand(const KvCommand& command) {
  std::string out;
  out.reserve(kEncodedSize);
  Put<uint8_t>(&out, static_cast<uint8_t>(command.type));
  Put<uint8_t>(&out, command.expected.has_value() ? 1 : 0);
  Put<uint32_t>(&out, command.key);
  Put<uint64_t>(&out, command.op_id);
  Put<int64_t>(&out, command.value);
  Put<int64_t>(&out, command.expected.value_or(0));
  return out;
}

Result<KvCommand> DecodeKvCommand(std::string_view bytes) {
  if (bytes.size() != kEncodedSize) return Status::Corruption("kv command: bad size");
  const char* p = bytes.data();
  KvCommand c;
  const auto type = Get<uint8_t>(p);
  if (type != static_cast<uint8_t>(KvCommand::Type::kPut) &&
      type != static_cast<uint8_t>(KvCommand::Type::kCas)) {
    return Status::Corruption("kv command: bad type");
  }
  c.type = static_cast<KvCommand::Type>(type);
  const bool has_expected = Get<uint8_t>(p + 1) != 0;
  c.key = Get<uint32_t>(p + 2);
  c.op_id = Get<uint64_t>(p + 6);
  c.value = Get<int64_t>(p + 14);
  if (has_expected) c.expected = Get<int64_t>(p + 22);
  return c;
}

}  // namespace ozone::raft::sim
