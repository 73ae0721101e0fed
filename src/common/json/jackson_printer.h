// Prints JSON the way Jackson's default pretty printer does, which Ozone's CLI output uses and
// scripts compare against:
//
//   {
//     "name" : "vol1",
//     "tags" : [ "a", "b" ],
//     "acls" : [ {
//       "type" : "USER"
//     }, {
//       "type" : "GROUP"
//     } ],
//     "metadata" : { },
//     "empty" : [ ]
//   }
//
// Objects keep their member order (nlohmann::ordered_json), so the field order is the producer's.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ozone::json {

using Json = nlohmann::ordered_json;

// Pretty form as above (no trailing newline).
std::string PrettyPrint(const Json& value);
// Single-line form with Jackson's compact separators: {"a":1,"b":[1,2]}.
std::string CompactPrint(const Json& value);

}  // namespace ozone::json
