#include "scm/metadata/scm_codecs.h"

namespace ozone::scm {

hdds::PipelineID PipelineIdFromUuid(const Uuid& uuid) {
  hdds::PipelineID id;
  id.set_id(uuid.ToString());
  id.mutable_uuid128()->set_mostsigbits(static_cast<int64_t>(uuid.most_significant_bits()));
  id.mutable_uuid128()->set_leastsigbits(static_cast<int64_t>(uuid.least_significant_bits()));
  return id;
}

Uuid PipelineIdToUuid(const hdds::PipelineID& id) {
  if (id.has_uuid128()) {
    return Uuid(static_cast<uint64_t>(id.uuid128().mostsigbits()),
                static_cast<uint64_t>(id.uuid128().leastsigbits()));
  }
  return Uuid::Parse(id.id()).value_or(Uuid());
}

}  // namespace ozone::scm
