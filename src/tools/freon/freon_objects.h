// The objects freon's generators create, as Ozone's freon makes them: volumes administered and
// owned by the user, buckets without versioning on DISK, and keys without data (opened with
// size 0, then committed), named with a replication or left to the bucket's.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "om.pb.h"
#include "om/request/replication_config_util.h"

namespace ozone::tools::freon {

inline om::VolumeInfo NewVolume(const std::string& name, const std::string& user) {
  om::VolumeInfo info;
  info.set_volume(name);
  info.set_adminname(user);
  info.set_ownername(user);
  return info;
}

inline om::BucketInfo NewBucket(const std::string& volume, const std::string& name,
                                const std::string& user) {
  om::BucketInfo info;
  info.set_volumename(volume);
  info.set_bucketname(name);
  info.set_isversionenabled(false);
  info.set_storagetype(om::DISK);
  info.set_owner(user);
  return info;
}

inline om::KeyArgs NewEmptyKey(const std::string& volume, const std::string& bucket,
                               const std::string& key, const std::string& user,
                               const std::optional<om::DefaultReplicationConfig>& replication) {
  om::KeyArgs args;
  args.set_volumename(volume);
  args.set_bucketname(bucket);
  args.set_keyname(key);
  args.set_datasize(0);
  args.set_ownername(user);
  if (replication) om::SetReplication(args, *replication);
  return args;
}

}  // namespace ozone::tools::freon
