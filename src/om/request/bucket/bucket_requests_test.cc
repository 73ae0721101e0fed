#include "om/request/bucket/bucket_requests.h"

#include "om/request/replication_config_util.h"
#include "om/testing/om_request_test_base.h"

namespace ozone::om {
namespace {

using testing::OmRequestTest;

class BucketRequestsTest : public OmRequestTest {};

TEST_F(BucketRequestsTest, CreateInfoListDelete) {
  Expect(OK, testing::CreateVolume("vol1"));
  Expect(VOLUME_NOT_FOUND, testing::CreateBucket("vol2", "bucket1"));
  Expect(OK, testing::CreateBucket("vol1", "bucket1"));
  Expect(OK, testing::CreateBucket("vol1", "bucket2"));
  Expect(BUCKET_ALREADY_EXISTS, testing::CreateBucket("vol1", "bucket1"));
  Expect(INVALID_BUCKET_NAME, testing::CreateBucket("vol1", "B1"));
  OMResponse info = Expect(OK, testing::InfoBucket("vol1", "bucket1"));
  EXPECT_EQ(info.infobucketresponse().bucketinfo().owner(), "hadoop");
  EXPECT_EQ(info.infobucketresponse().bucketinfo().quotainbytes(), -1);
  EXPECT_EQ(Expect(OK, testing::InfoVolume("vol1")).infovolumeresponse().volumeinfo().usednamespace(),
            2u);
  Expect(BUCKET_NOT_FOUND, testing::InfoBucket("vol1", "bucket9"));

  OMRequest list;
  list.set_cmdtype(ListBuckets);
  list.mutable_listbucketsrequest()->set_volumename("vol1");
  list.mutable_listbucketsrequest()->set_startkey("bucket1");
  OMResponse listed = Expect(OK, list);
  ASSERT_EQ(listed.listbucketsresponse().bucketinfo_size(), 1);
  EXPECT_EQ(listed.listbucketsresponse().bucketinfo(0).bucketname(), "bucket2");

  Expect(OK, testing::DeleteBucket("vol1", "bucket1"));
  Expect(BUCKET_NOT_FOUND, testing::DeleteBucket("vol1", "bucket1"));
}

TEST_F(BucketRequestsTest, NotEmptyBucketStays) {
  Expect(OK, testing::CreateVolume("vol1"));
  Expect(OK, testing::CreateBucket("vol1", "bucket1"));
  ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "k1")->status(), OK);
  Expect(BUCKET_NOT_EMPTY, testing::DeleteBucket("vol1", "bucket1"));
}

TEST_F(BucketRequestsTest, ReplicationConfig) {
  Expect(OK, testing::CreateVolume("vol1"));
  OMRequest ec = testing::CreateBucket("vol1", "ecbucket");
  *ec.mutable_createbucketrequest()->mutable_bucketinfo()->mutable_defaultreplicationconfig() =
      *ParseReplicationConfig("EC", "rs-3-2-1024k");
  Expect(OK, ec);
  OMResponse info = Expect(OK, testing::InfoBucket("vol1", "ecbucket"));
  EXPECT_EQ(ReplicationConfigString(info.infobucketresponse().bucketinfo().defaultreplicationconfig()),
            "EC/rs-3-2-1024k");
  OMRequest bad = testing::CreateBucket("vol1", "bad");
  auto* cfg =
      bad.mutable_createbucketrequest()->mutable_bucketinfo()->mutable_defaultreplicationconfig();
  cfg->set_type(hdds::RATIS);
  cfg->set_factor(hdds::ZERO);
  Expect(INVALID_REQUEST, bad);
}

TEST_F(BucketRequestsTest, QuotaAgainstVolumeAndUsage) {
  OMRequest vol = testing::CreateVolume("vol1");
  vol.mutable_createvolumerequest()->mutable_volumeinfo()->set_quotainnamespace(1);
  Expect(OK, vol);
  Expect(OK, testing::CreateBucket("vol1", "bucket1"));
  Expect(QUOTA_EXCEEDED, testing::CreateBucket("vol1", "bucket2"));

  OMRequest set;
  set.set_cmdtype(SetBucketProperty);
  BucketArgs* args = set.mutable_setbucketpropertyrequest()->mutable_bucketargs();
  args->set_volumename("vol1");
  args->set_bucketname("bucket1");
  args->set_quotainbytes(1 << 20);
  Expect(OK, set);
  EXPECT_EQ(Expect(OK, testing::InfoBucket("vol1", "bucket1")).infobucketresponse().bucketinfo().quotainbytes(),
            1 << 20);
  args->set_quotainbytes(0);
  Expect(QUOTA_ERROR, set);
}

}  // namespace
}  // namespace ozone::om
