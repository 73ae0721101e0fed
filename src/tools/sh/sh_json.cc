#include "tools/sh/sh_json.h"

#include <fmt/format.h>

#include <ctime>

namespace ozone::tools::sh {

namespace {

// Ozone's IAccessAuthorizer.ACLType, in bit order of the rights BitSet.
constexpr const char* kAclRights[] = {"READ",     "WRITE",     "CREATE", "LIST", "DELETE",
                                      "READ_ACL", "WRITE_ACL", "ALL",    "NONE"};

json::Json AclsJson(const google::protobuf::RepeatedPtrField<om::OzoneAclInfo>& acls) {
  json::Json out = json::Json::array();
  for (const auto& a : acls) {
    json::Json rights = json::Json::array();
    const std::string& bits = a.rights();
    for (size_t bit = 0; bit < std::size(kAclRights); ++bit) {
      const size_t byte = bit / 8;
      if (byte < bits.size() && (static_cast<uint8_t>(bits[byte]) >> (bit % 8)) & 1) {
        rights.push_back(kAclRights[bit]);
      }
    }
    out.push_back(json::Json{{"type", om::OzoneAclInfo::OzoneAclType_Name(a.type())},
                             {"name", a.name()},
                             {"aclScope", om::OzoneAclInfo::OzoneAclScope_Name(a.aclscope())},
                             {"aclList", rights}});
  }
  return out;
}

json::Json MetadataJson(const google::protobuf::RepeatedPtrField<om::KeyValue>& metadata) {
  json::Json out = json::Json::object();
  for (const auto& kv : metadata) out[kv.key()] = kv.value();
  return out;
}

}  // namespace

std::string InstantString(uint64_t epoch_millis) {
  const std::time_t secs = static_cast<std::time_t>(epoch_millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::string s = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (epoch_millis % 1000 != 0) s += fmt::format(".{:03}", epoch_millis % 1000);
  return s + "Z";
}

json::Json ReplicationConfigJson(hdds::ReplicationType type, hdds::ReplicationFactor factor,
                                 const hdds::ECReplicationConfig* ec) {
  if (type == hdds::EC && ec != nullptr) {
    return json::Json{{"data", ec->data()},
                      {"parity", ec->parity()},
                      {"ecChunkSize", ec->ecchunksize()},
                      {"codec", ec->codec()},
                      {"replicationType", "EC"},
                      {"requiredNodes", ec->data() + ec->parity()},
                      {"minimumNodes", ec->data()}};
  }
  return json::Json{{"replicationFactor", hdds::ReplicationFactor_Name(factor)},
                    {"requiredNodes", static_cast<int>(factor)},
                    {"replicationType", hdds::ReplicationType_Name(type)}};
}

json::Json VolumeJson(const om::VolumeInfo& v) {
  json::Json j;
  j["metadata"] = MetadataJson(v.metadata());
  j["name"] = v.volume();
  j["admin"] = v.adminname();
  j["owner"] = v.ownername();
  j["quotaInBytes"] = v.quotainbytes();
  j["quotaInNamespace"] = v.quotainnamespace();
  j["usedNamespace"] = v.usednamespace();
  j["creationTime"] = InstantString(v.creationtime());
  j["modificationTime"] = InstantString(v.modificationtime());
  j["acls"] = AclsJson(v.volumeacls());
  j["refCount"] = v.refcount();
  return j;
}

json::Json BucketJson(const om::BucketInfo& b) {
  json::Json j;
  j["metadata"] = MetadataJson(b.metadata());
  j["volumeName"] = b.volumename();
  j["name"] = b.bucketname();
  j["storageType"] = om::StorageType_Name(b.storagetype());
  j["versioning"] = b.isversionenabled();
  j["usedBytes"] = b.usedbytes();
  j["usedNamespace"] = b.usednamespace();
  j["creationTime"] = InstantString(b.creationtime());
  j["modificationTime"] = InstantString(b.modificationtime());
  if (b.has_sourcevolume()) j["sourceVolume"] = b.sourcevolume();
  if (b.has_sourcebucket()) j["sourceBucket"] = b.sourcebucket();
  j["sourcePathExist"] = true;
  j["quotaInBytes"] = b.quotainbytes();
  j["quotaInNamespace"] = b.quotainnamespace();
  j["bucketLayout"] = om::BucketLayout_Name(b.has_bucketlayout() ? b.bucketlayout() : om::LEGACY);
  j["owner"] = b.owner();
  j["link"] = b.has_sourcebucket();
  if (b.has_defaultreplicationconfig()) {
    const auto& r = b.defaultreplicationconfig();
    j["replicationConfig"] = ReplicationConfigJson(
        r.type(), r.factor(), r.has_ecreplicationconfig() ? &r.ecreplicationconfig() : nullptr);
  }
  return j;
}

json::Json KeyJson(const om::KeyInfo& k, bool details) {
  json::Json j;
  j["volumeName"] = k.volumename();
  j["bucketName"] = k.bucketname();
  j["name"] = k.keyname();
  j["dataSize"] = k.datasize();
  j["creationTime"] = InstantString(k.creationtime());
  j["modificationTime"] = InstantString(k.modificationtime());
  j["replicationConfig"] = ReplicationConfigJson(
      k.type(), k.factor(), k.has_ecreplicationconfig() ? &k.ecreplicationconfig() : nullptr);
  j["metadata"] = MetadataJson(k.metadata());
  if (details) {
    json::Json locations = json::Json::array();
    if (k.keylocationlist_size() > 0) {
      const auto& latest = k.keylocationlist(k.keylocationlist_size() - 1);
      for (const auto& l : latest.keylocations()) {
        locations.push_back(json::Json{{"containerID", l.blockid().containerblockid().containerid()},
                                       {"localID", l.blockid().containerblockid().localid()},
                                       {"length", l.length()},
                                       {"offset", 0},
                                       {"keyOffset", l.offset()}});
      }
    }
    j["ozoneKeyLocations"] = locations;
  }
  j["file"] = k.has_isfile() ? k.isfile() : true;
  return j;
}

}  // namespace ozone::tools::sh
