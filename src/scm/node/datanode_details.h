// Helpers over hdds::DatanodeDetailsProto shared by SCM's managers.
//
// Thread-safety: stateless functions.
#pragma once

#include <string>

#include "hdds.pb.h"

namespace ozone::scm {

// The datanode's uuid text: `uuid` if set, else the UUID of `uuid128`, else empty.
std::string DatanodeUuid(const hdds::DatanodeDetailsProto& details);

}  // namespace ozone::scm
