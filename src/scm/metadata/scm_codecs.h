// Key codecs of scm.db whose text forms users type in `ozone debug ldb --startkey`:
// container ids are numbers (8 big-endian bytes, so they sort numerically), pipeline ids are
// UUIDs (stored as the PipelineID message).
//
// Thread-safety: stateless.
#pragma once

#include <string>

#include "common/result.h"
#include "common/uuid.h"
#include "hdds.pb.h"
#include "storage/codec.h"

namespace ozone::scm {

struct ContainerIdCodec {
  using Type = uint64_t;
  static std::string Name() { return "ContainerID"; }
  static std::string Encode(uint64_t id) { return storage::Uint64Codec::Encode(id); }
  static Result<uint64_t> Decode(std::string_view b) { return storage::Uint64Codec::Decode(b); }
  static json::Json ToJson(uint64_t id) { return id; }
  static Result<uint64_t> FromText(std::string_view t) { return storage::Uint64Codec::FromText(t); }
};

// hdds::PipelineID <-> its UUID text.
hdds::PipelineID PipelineIdFromUuid(const Uuid& uuid);
// The UUID of a PipelineID (from uuid128, else from the string id); nil if neither parses.
Uuid PipelineIdToUuid(const hdds::PipelineID& id);

struct PipelineIdCodec {
  using Type = hdds::PipelineID;
  static std::string Name() { return "PipelineID"; }
  static std::string Encode(const hdds::PipelineID& id) { return id.SerializeAsString(); }
  static Result<hdds::PipelineID> Decode(std::string_view b) {
    return storage::ProtoCodec<hdds::PipelineID>::Decode(b);
  }
  static json::Json ToJson(const hdds::PipelineID& id) { return PipelineIdToUuid(id).ToString(); }
  static Result<hdds::PipelineID> FromText(std::string_view t) {
    auto uuid = Uuid::Parse(strings::Trim(t));
    if (!uuid) return Status::InvalidArgument("'" + std::string(t) + "' is not a pipeline UUID");
    return PipelineIdFromUuid(*uuid);
  }
};

}  // namespace ozone::scm
