#include "tools/sh/sh_json.h"

#include <gtest/gtest.h>

namespace ozone::tools::sh {
namespace {

TEST(ShJsonTest, InstantsPrintAsJavas) {
  EXPECT_EQ(InstantString(1763751818627), "2025-11-21T19:03:38.627Z");
  EXPECT_EQ(InstantString(1763751818000), "2025-11-21T19:03:38Z");
  EXPECT_EQ(InstantString(1763751818050), "2025-11-21T19:03:38.050Z");
}

TEST(ShJsonTest, VolumeAsOzonePrintsIt) {
  om::VolumeInfo v;
  v.set_volume("vol1");
  v.set_adminname("hadoop");
  v.set_ownername("bob");
  v.set_quotainbytes(-1);
  v.set_quotainnamespace(-1);
  v.set_creationtime(1763751818627);
  v.set_modificationtime(1763751818627);
  om::OzoneAclInfo* acl = v.add_volumeacls();
  acl->set_type(om::OzoneAclInfo::USER);
  acl->set_name("bob");
  acl->set_rights(std::string(1, static_cast<char>(0x80)));
  acl->set_aclscope(om::OzoneAclInfo::ACCESS);
  EXPECT_EQ(json::PrettyPrint(VolumeJson(v)),
            "{\n"
            "  \"metadata\" : { },\n"
            "  \"name\" : \"vol1\",\n"
            "  \"admin\" : \"hadoop\",\n"
            "  \"owner\" : \"bob\",\n"
            "  \"quotaInBytes\" : -1,\n"
            "  \"quotaInNamespace\" : -1,\n"
            "  \"usedNamespace\" : 0,\n"
            "  \"creationTime\" : \"2025-11-21T19:03:38.627Z\",\n"
            "  \"modificationTime\" : \"2025-11-21T19:03:38.627Z\",\n"
            "  \"acls\" : [ {\n"
            "    \"type\" : \"USER\",\n"
            "    \"name\" : \"bob\",\n"
            "    \"aclScope\" : \"ACCESS\",\n"
            "    \"aclList\" : [ \"ALL\" ]\n"
            "  } ],\n"
            "  \"refCount\" : 0\n"
            "}");
}

TEST(ShJsonTest, BucketAndKeyFields) {
  om::BucketInfo b;
  b.set_volumename("vol1");
  b.set_bucketname("b1");
  b.set_isversionenabled(false);
  b.set_storagetype(om::DISK);
  b.set_bucketlayout(om::FILE_SYSTEM_OPTIMIZED);
  b.set_owner("bob");
  b.mutable_defaultreplicationconfig()->set_type(hdds::RATIS);
  b.mutable_defaultreplicationconfig()->set_factor(hdds::THREE);
  json::Json j = BucketJson(b);
  EXPECT_EQ(j["name"], "b1");
  EXPECT_EQ(j["volumeName"], "vol1");
  EXPECT_EQ(j["bucketLayout"], "FILE_SYSTEM_OPTIMIZED");
  EXPECT_EQ(j["quotaInBytes"], -1);
  EXPECT_EQ(j["replicationConfig"]["replicationFactor"], "THREE");
  EXPECT_EQ(j["replicationConfig"]["requiredNodes"], 3);
  EXPECT_EQ(j["link"], false);

  om::KeyInfo k;
  k.set_volumename("vol1");
  k.set_bucketname("b1");
  k.set_keyname("dir/k");
  k.set_datasize(10);
  k.set_type(hdds::RATIS);
  k.set_factor(hdds::ONE);
  auto* loc = k.add_keylocationlist()->add_keylocations();
  loc->mutable_blockid()->mutable_containerblockid()->set_containerid(4);
  loc->mutable_blockid()->mutable_containerblockid()->set_localid(77);
  loc->set_offset(0);
  loc->set_length(10);
  json::Json details = KeyJson(k, true);
  EXPECT_EQ(details["name"], "dir/k");
  EXPECT_EQ(details["replicationConfig"]["replicationType"], "RATIS");
  ASSERT_EQ(details["ozoneKeyLocations"].size(), 1u);
  EXPECT_EQ(details["ozoneKeyLocations"][0]["containerID"], 4);
  EXPECT_FALSE(KeyJson(k, false).contains("ozoneKeyLocations"));
}

}  // namespace
}  // namespace ozone::tools::sh
