// Serialization of a Configuration into the payload of a kConfig entry and into snapshot
// metadata (proto/raft_log.proto: durable, versioned).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/result.h"
#include "ha/raft/types.h"

namespace ozone::raft {

std::string EncodeConfiguration(const Configuration& config);
Result<Configuration> DecodeConfiguration(std::string_view bytes);

std::string EncodeSnapshotMeta(const SnapshotMeta& meta);
Result<SnapshotMeta> DecodeSnapshotMeta(std::string_view bytes);

std::string EncodeHardState(const HardState& state);
Result<HardState> DecodeHardState(std::string_view bytes);

}  // namespace ozone::raft
