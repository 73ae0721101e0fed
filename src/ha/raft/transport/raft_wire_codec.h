// The conversion between Message (src/ha/raft/message.h) and its wire form (raft_wire.proto),
// done only here. Lossless for every field of Message; an entry's null payload and an empty
// payload are the same value (Entry::bytes() is empty) and decode as null.
//
// Copies: encoding copies each entry payload once, into the proto; decoding moves the payload
// bytes out of the proto into the entry (no copy), which is why it takes the proto mutably.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "ha/raft/message.h"
#include "raft_wire.pb.h"

namespace ozone::raft {

// The version of raft_wire.proto spoken in the Hello / HelloAck; peers must agree.
inline constexpr uint32_t kRaftWireProtocolVersion = 1;

// Fills `proto` (expected cleared) from `message`.
void EncodeMessage(const Message& message, wire::MessageProto* proto);

// Builds a Message from `proto`, moving payloads out of it. Corruption on a message type, entry
// type or peer role this version does not know.
Result<Message> DecodeMessage(wire::MessageProto* proto);

}  // namespace ozone::raft
