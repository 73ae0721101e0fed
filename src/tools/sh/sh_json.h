// The JSON `ozone sh` prints for volumes, buckets and keys: the fields, names and order of
// Ozone's OzoneVolume / OzoneBucket / OzoneKey(Details) as its Jackson mapper writes them (times
// as ISO-8601 instants, "2026-11-21T19:03:38.627Z"; quotas -1 when unset; ACL rights as names).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "common/json/jackson_printer.h"
#include "om.pb.h"

namespace ozone::tools::sh {

// An epoch-milliseconds time as Java's Instant prints it (no fraction when the millis are 0).
std::string InstantString(uint64_t epoch_millis);

json::Json VolumeJson(const om::VolumeInfo& volume);
json::Json BucketJson(const om::BucketInfo& bucket);
// `details`: key info (with locations) rather than a list entry.
json::Json KeyJson(const om::KeyInfo& key, bool details);
// "RATIS/THREE" style replication config objects, as Ozone's ReplicationConfig serializes.
json::Json ReplicationConfigJson(hdds::ReplicationType type, hdds::ReplicationFactor factor,
                                 const hdds::ECReplicationConfig* ec);

}  // namespace ozone::tools::sh
