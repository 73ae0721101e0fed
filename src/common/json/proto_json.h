// Renders a protobuf message as JSON with the message's own field names (the project's protos
// use Ozone's names, e.g. `containerID`, `usedBytes`), as Ozone's tools print the equivalent
// Java objects: only fields that are present, 64-bit integers as numbers (not strings, unlike
// protobuf's JSON mapping), enums by name, bytes as base64, maps as objects.
//
// Thread-safety: pure functions.
#pragma once

#include <google/protobuf/message.h>

#include "common/json/jackson_printer.h"

namespace ozone::json {

Json ProtoToJson(const google::protobuf::Message& message);

}  // namespace ozone::json
