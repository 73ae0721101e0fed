#include "scm/node/datanode_details.h"

#include "common/uuid.h"

namespace ozone::scm {

std::string DatanodeUuid(const hdds::DatanodeDetailsProto& details) {
  if (!details.uuid().empty()) return details.uuid();
  if (details.has_uuid128()) {
    return Uuid(static_cast<uint64_t>(details.uuid128().mostsigbits()),
                static_cast<uint64_t>(details.uuid128().leastsigbits()))
        .ToString();
  }
  return "";
}

}  // namespace ozone::scm
