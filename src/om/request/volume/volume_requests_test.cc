#include "om/request/volume/volume_requests.h"

#include "om/testing/om_request_test_base.h"

namespace ozone::om {
namespace {

using testing::OmRequestTest;

OMRequest SetOwner(const std::string& volume, const std::string& owner) {
  OMRequest r;
  r.set_cmdtype(SetVolumeProperty);
  r.mutable_setvolumepropertyrequest()->set_volumename(volume);
  r.mutable_setvolumepropertyrequest()->set_ownername(owner);
  return r;
}

OMRequest SetQuota(const std::string& volume, int64_t bytes) {
  OMRequest r;
  r.set_cmdtype(SetVolumeProperty);
  r.mutable_setvolumepropertyrequest()->set_volumename(volume);
  r.mutable_setvolumepropertyrequest()->set_quotainbytes(bytes);
  return r;
}

class VolumeRequestsTest : public OmRequestTest {};

TEST_F(VolumeRequestsTest, CreateThenInfo) {
  Expect(OK, testing::CreateVolume("vol1", "bob"));
  OMResponse info = Expect(OK, testing::InfoVolume("vol1"));
  const VolumeInfo& v = info.infovolumeresponse().volumeinfo();
  EXPECT_EQ(v.ownername(), "bob");
  EXPECT_EQ(v.quotainbytes(), -1);
  EXPECT_EQ(v.quotainnamespace(), -1);
  EXPECT_EQ(v.creationtime(), static_cast<uint64_t>(clock_.WallMillis()));
  EXPECT_EQ(v.updateid(), 1u);
  EXPECT_EQ(v.objectid(), ObjectIdFromIndex(1));
}

TEST_F(VolumeRequestsTest, DuplicateAndMissing) {
  Expect(OK, testing::CreateVolume("vol1"));
  Expect(VOLUME_ALREADY_EXISTS, testing::CreateVolume("vol1"));
  Expect(VOLUME_NOT_FOUND, testing::InfoVolume("nope"));
  Expect(VOLUME_NOT_FOUND, testing::DeleteVolume("nope"));
  Expect(VOLUME_NOT_FOUND, SetOwner("nope", "x"));
}

TEST_F(VolumeRequestsTest, InvalidNameIsRefusedBeforeTheLog) {
  uint64_t before = cluster_->log().last_index().value();
  OMResponse r = Expect(INVALID_VOLUME_NAME, testing::CreateVolume("Bad_Name"));
  EXPECT_FALSE(r.success());
  EXPECT_EQ(cluster_->log().last_index().value(), before);
}

TEST_F(VolumeRequestsTest, DeleteNeedsAnEmptyVolume) {
  Expect(OK, testing::CreateVolume("vol1"));
  Expect(OK, testing::CreateBucket("vol1", "bucket1"));
  Expect(VOLUME_NOT_EMPTY, testing::DeleteVolume("vol1"));
  Expect(OK, testing::DeleteBucket("vol1", "bucket1"));
  Expect(OK, testing::DeleteVolume("vol1"));
  Expect(VOLUME_NOT_FOUND, testing::InfoVolume("vol1"));
}

TEST_F(VolumeRequestsTest, SetOwner) {
  Expect(OK, testing::CreateVolume("vol1", "bob"));
  EXPECT_TRUE(Expect(OK, SetOwner("vol1", "alice")).setvolumepropertyresponse().response());
  EXPECT_FALSE(Expect(OK, SetOwner("vol1", "alice")).setvolumepropertyresponse().response());
  EXPECT_EQ(Expect(OK, testing::InfoVolume("vol1")).infovolumeresponse().volumeinfo().ownername(),
            "alice");
}

TEST_F(VolumeRequestsTest, SetQuota) {
  Expect(OK, testing::CreateVolume("vol1"));
  Expect(QUOTA_ERROR, SetQuota("vol1", 0));
  Expect(OK, SetQuota("vol1", 1 << 30));
  EXPECT_EQ(
      Expect(OK, testing::InfoVolume("vol1")).infovolumeresponse().volumeinfo().quotainbytes(),
      1 << 30);
  OMRequest bucket = testing::CreateBucket("vol1", "bucket1");
  bucket.mutable_createbucketrequest()->mutable_bucketinfo()->set_quotainbytes(1 << 29);
  Expect(OK, bucket);
  Expect(QUOTA_EXCEEDED, SetQuota("vol1", 1 << 28));
  Expect(OK, SetQuota("vol1", -1));
}

}  // namespace
}  // namespace ozone::om
