#include "om/request/key/key_write_requests.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "om/metadata/om_db_keys.h"
#include "om/request/key/key_request_util.h"
#include "om/testing/om_request_test_base.h"

namespace ozone::om {
namespace {

using testing::OmRequestTest;

class KeyRequestsTest : public OmRequestTest {
 protected:
  void SetUp() override {
    OmRequestTest::SetUp();
    Expect(OK, testing::CreateVolume("vol1"));
    Expect(OK, testing::CreateBucket("vol1", "bucket1"));
  }
  BucketInfo Bucket() {
    return Expect(OK, testing::InfoBucket("vol1", "bucket1")).infobucketresponse().bucketinfo();
  }
  // An AllocateBlock for open key `key` of vol1/bucket1, opened with session `client_id`.
  static OMRequest AllocateBlockOf(const std::string& key, uint64_t client_id) {
    OMRequest alloc;
    alloc.set_cmdtype(AllocateBlock);
    auto* r = alloc.mutable_allocateblockrequest();
    r->set_clientid(client_id);
    r->mutable_keyargs()->set_volumename("vol1");
    r->mutable_keyargs()->set_bucketname("bucket1");
    r->mutable_keyargs()->set_keyname(key);
    return alloc;
  }
};

// Sets every field of `m` (recursively, one element per repeated field) to a non-default value.
void FillEveryField(google::protobuf::Message* m, int depth = 0) {
  const auto* d = m->GetDescriptor();
  const auto* r = m->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    using F = google::protobuf::FieldDescriptor;
    if (f->cpp_type() == F::CPPTYPE_MESSAGE) {
      if (depth > 3) continue;
      FillEveryField(f->is_repeated() ? r->AddMessage(m, f) : r->MutableMessage(m, f), depth + 1);
      continue;
    }
    bool rep = f->is_repeated();
    switch (f->cpp_type()) {
      case F::CPPTYPE_STRING:
        rep ? r->AddString(m, f, "s" + f->name()) : r->SetString(m, f, "s" + f->name());
        break;
      case F::CPPTYPE_BOOL:
        rep ? r->AddBool(m, f, true) : r->SetBool(m, f, true);
        break;
      case F::CPPTYPE_ENUM: {
        const auto* v = f->enum_type()->value(f->enum_type()->value_count() - 1);
        rep ? r->AddEnum(m, f, v) : r->SetEnum(m, f, v);
        break;
      }
      case F::CPPTYPE_INT32:
        rep ? r->AddInt32(m, f, 7) : r->SetInt32(m, f, 7);
        break;
      case F::CPPTYPE_INT64:
        rep ? r->AddInt64(m, f, 7) : r->SetInt64(m, f, 7);
        break;
      case F::CPPTYPE_UINT32:
        rep ? r->AddUInt32(m, f, 7) : r->SetUInt32(m, f, 7);
        break;
      case F::CPPTYPE_UINT64:
        rep ? r->AddUInt64(m, f, 7) : r->SetUInt64(m, f, 7);
        break;
      case F::CPPTYPE_DOUBLE:
        rep ? r->AddDouble(m, f, 7) : r->SetDouble(m, f, 7);
        break;
      case F::CPPTYPE_FLOAT:
        rep ? r->AddFloat(m, f, 7) : r->SetFloat(m, f, 7);
        break;
      default:
        break;
    }
  }
}

TEST(CopyWithoutBlocksTest, CopiesEveryFieldButTheBlockLists) {
  KeyInfo full;
  FillEveryField(&full);
  ASSERT_GT(full.keylocationlist_size(), 0);
  KeyInfo expected = full;
  expected.clear_keylocationlist();
  EXPECT_EQ(CopyWithoutBlocks(full).SerializeAsString(), expected.SerializeAsString())
      << "a KeyInfo field is missing from CopyWithoutBlocks";
  KeyInfo sparse;  // optional fields left unset stay unset
  sparse.set_volumename("v");
  EXPECT_EQ(CopyWithoutBlocks(sparse).SerializePartialAsString(),
            sparse.SerializePartialAsString());
}

TEST(LocationWithoutPipelineTest, CopiesEveryFieldButThePipeline) {
  KeyLocation full;
  FillEveryField(&full);
  ASSERT_TRUE(full.has_pipeline());
  KeyLocation expected = full;
  expected.clear_pipeline();
  EXPECT_EQ(LocationWithoutPipeline(full).SerializeAsString(), expected.SerializeAsString())
      << "a KeyLocation field is missing from LocationWithoutPipeline";
  KeyLocation sparse;  // optional fields left unset stay unset
  sparse.set_offset(1);
  EXPECT_EQ(LocationWithoutPipeline(sparse).SerializePartialAsString(),
            sparse.SerializePartialAsString());
}

TEST(OpenKeyRowTest, KeepsEveryFieldAndBlockButNoPipeline) {
  KeyInfo full;
  FillEveryField(&full);
  ASSERT_TRUE(full.keylocationlist(0).keylocations(0).has_pipeline());
  KeyInfo expected = full;
  for (auto& list : *expected.mutable_keylocationlist()) {
    for (auto& location : *list.mutable_keylocations()) location.clear_pipeline();
  }
  EXPECT_EQ(OpenKeyRow(full).SerializeAsString(), expected.SerializeAsString());
}

// Open keys are stored without pipelines (as Ozone's key tables are); the answers to the open and
// to AllocateBlock carry them, since the client writes through them.
TEST_F(KeyRequestsTest, OpenKeysAreStoredWithoutPipelinesWhileTheAnswersCarryThem) {
  OMResponse opened = Expect(OK, testing::CreateKey("vol1", "bucket1", "k", 2 << 20));
  const KeyInfo& answered = opened.createkeyresponse().keyinfo();
  ASSERT_EQ(answered.keylocationlist(0).keylocations_size(), 2);
  for (const auto& location : answered.keylocationlist(0).keylocations()) {
    EXPECT_TRUE(location.has_pipeline());
    EXPECT_EQ(location.pipeline().id().id(), "pipeline-1");
  }
  OMResponse allocated = Expect(OK, AllocateBlockOf("k", opened.createkeyresponse().id()));
  EXPECT_EQ(allocated.allocateblockresponse().keylocation().pipeline().id().id(), "pipeline-1");

  auto row = cluster_->state(0).metadata().open_keys().Get(
      OpenKeyDbKey("vol1", "bucket1", "k", opened.createkeyresponse().id()));
  ASSERT_TRUE(row.ok());
  ASSERT_NE(*row, nullptr);
  ASSERT_EQ((*row)->keylocationlist(0).keylocations_size(), 3);
  for (const auto& location : (*row)->keylocationlist(0).keylocations()) {
    EXPECT_FALSE(location.has_pipeline());
    EXPECT_TRUE(location.has_blockid());
  }
  // The commit takes the client's locations, as before.
  Expect(OK, testing::CommitKey("vol1", "bucket1", "k", opened.createkeyresponse().id(), answered,
                                2 << 20));
  OMResponse found = Expect(OK, testing::LookupKey("vol1", "bucket1", "k"));
  EXPECT_EQ(found.lookupkeyresponse().keyinfo().keylocationlist(0).keylocations_size(), 2);
}

TEST_F(KeyRequestsTest, OpenCommitLookup) {
  OMResponse opened = Expect(OK, testing::CreateKey("vol1", "bucket1", "dir/k1", 3 << 20));
  const auto& created = opened.createkeyresponse();
  EXPECT_NE(created.id(), 0u);
  // 3 MB at 1 MB blocks: three blocks from SCM, RATIS/THREE by default.
  ASSERT_EQ(created.keyinfo().keylocationlist(0).keylocations_size(), 3);
  EXPECT_EQ(created.keyinfo().factor(), hdds::THREE);
  EXPECT_EQ(cluster_->scm().allocated(), 3u);
  Expect(KEY_NOT_FOUND, testing::LookupKey("vol1", "bucket1", "dir/k1"));  // open, not committed

  Expect(OK, testing::CommitKey("vol1", "bucket1", "dir/k1", created.id(), created.keyinfo(), 3 << 20));
  OMResponse found = Expect(OK, testing::LookupKey("vol1", "bucket1", "dir/k1"));
  EXPECT_EQ(found.lookupkeyresponse().keyinfo().datasize(), 3u << 20);
  BucketInfo b = Bucket();
  EXPECT_EQ(b.usedbytes(), 3u * (3 << 20));
  EXPECT_EQ(b.usednamespace(), 1u);
  // The open key is gone: committing again fails.
  Expect(KEY_NOT_FOUND,
         testing::CommitKey("vol1", "bucket1", "dir/k1", created.id(), created.keyinfo(), 1));
}

TEST_F(KeyRequestsTest, MissingVolumeOrBucketAndBadName) {
  Expect(BUCKET_NOT_FOUND, testing::CreateKey("vol1", "nob", "k"));
  Expect(VOLUME_NOT_FOUND, testing::CreateKey("novol", "bucket1", "k"));
  Expect(INVALID_KEY_NAME, testing::CreateKey("vol1", "bucket1", ""));
  EXPECT_EQ(cluster_->scm().allocated(), 0u);  // nothing allocated for refused requests
}

TEST_F(KeyRequestsTest, AllocateBlock) {
  OMResponse opened = Expect(OK, testing::CreateKey("vol1", "bucket1", "k"));
  OMResponse allocated = Expect(OK, AllocateBlockOf("k", opened.createkeyresponse().id()));
  EXPECT_EQ(allocated.allocateblockresponse().keylocation().blockid().containerblockid().localid(),
            2);
  Expect(KEY_NOT_FOUND, AllocateBlockOf("k", 12345));
}

TEST_F(KeyRequestsTest, SafeModeScm) {
  cluster_->scm().SetSafeMode(true);
  Expect(SCM_IN_SAFE_MODE, testing::CreateKey("vol1", "bucket1", "k"));
}

TEST_F(KeyRequestsTest, ListWithPrefixStartAfterAndCount) {
  for (const char* k : {"a/1", "a/2", "a/3", "b/1", "c"}) {
    ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", k)->status(), OK);
  }
  auto names = [&](OMRequest r) {
    std::vector<std::string> out;
    OMResponse listed = Expect(OK, std::move(r));
    for (const auto& k : listed.listkeysresponse().keyinfo()) out.push_back(k.keyname());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(testing::ListKeys("vol1", "bucket1")), (V{"a/1", "a/2", "a/3", "b/1", "c"}));
  EXPECT_EQ(names(testing::ListKeys("vol1", "bucket1", "a/")), (V{"a/1", "a/2", "a/3"}));
  EXPECT_EQ(names(testing::ListKeys("vol1", "bucket1", "a/", "a/1")), (V{"a/2", "a/3"}));
  EXPECT_EQ(names(testing::ListKeys("vol1", "bucket1", "", "a/3", 1)), (V{"b/1"}));
  OMResponse truncated = Expect(OK, testing::ListKeys("vol1", "bucket1", "", "", 2));
  EXPECT_TRUE(truncated.listkeysresponse().istruncated());
  Expect(BUCKET_NOT_FOUND, testing::ListKeys("vol1", "bucket9"));
}

TEST_F(KeyRequestsTest, DeleteMovesBlocksToDeletedTable) {
  ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "k", 100)->status(), OK);
  OMResponse found = Expect(OK, testing::LookupKey("vol1", "bucket1", "k"));
  uint64_t object_id = found.lookupkeyresponse().keyinfo().objectid();
  Expect(OK, testing::DeleteKey("vol1", "bucket1", "k"));
  Expect(KEY_NOT_FOUND, testing::LookupKey("vol1", "bucket1", "k"));
  Expect(KEY_NOT_FOUND, testing::DeleteKey("vol1", "bucket1", "k"));
  auto row = cluster_->state(0).metadata().deleted().Get(
      DeletedKeyDbKey("vol1", "bucket1", "k", object_id));
  ASSERT_TRUE(row.ok());
  ASSERT_NE(*row, nullptr);
  EXPECT_EQ((*row)->keyinfo(0).keyname(), "k");
  EXPECT_EQ(Bucket().usedbytes(), 0u);
  EXPECT_EQ(Bucket().usednamespace(), 0u);
}

TEST_F(KeyRequestsTest, Rename) {
  ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "from")->status(), OK);
  ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "taken")->status(), OK);
  OMRequest rename;
  rename.set_cmdtype(RenameKey);
  auto* r = rename.mutable_renamekeyrequest();
  r->mutable_keyargs()->set_volumename("vol1");
  r->mutable_keyargs()->set_bucketname("bucket1");
  r->mutable_keyargs()->set_keyname("from");
  r->set_tokeyname("taken");
  Expect(KEY_ALREADY_EXISTS, rename);
  r->set_tokeyname("to");
  Expect(OK, rename);
  Expect(KEY_NOT_FOUND, testing::LookupKey("vol1", "bucket1", "from"));
  Expect(OK, testing::LookupKey("vol1", "bucket1", "to"));
  Expect(KEY_NOT_FOUND, rename);
}

TEST_F(KeyRequestsTest, BucketQuota) {
  OMRequest set;
  set.set_cmdtype(SetBucketProperty);
  BucketArgs* args = set.mutable_setbucketpropertyrequest()->mutable_bucketargs();
  args->set_volumename("vol1");
  args->set_bucketname("bucket1");
  args->set_quotainnamespace(1);
  Expect(OK, set);
  ASSERT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "k1")->status(), OK);
  EXPECT_EQ(testing::PutKey(*cluster_, "vol1", "bucket1", "k2")->status(), QUOTA_EXCEEDED);
  // Space: 3 replicas of 1 MB blocks do not fit in 2 MB.
  args->set_quotainnamespace(-1);
  args->set_quotainbytes(2 << 20);
  Expect(OK, set);
  Expect(QUOTA_EXCEEDED, testing::CreateKey("vol1", "bucket1", "k3", 1));
}

TEST_F(KeyRequestsTest, MalformedRequestChangesNothing) {
  OMRequest r;
  r.set_cmdtype(CreateKey);  // no payload
  uint64_t before = cluster_->log().last_index().value();
  Expect(INVALID_REQUEST, r);
  EXPECT_EQ(cluster_->log().last_index().value(), before);
}

}  // namespace
}  // namespace ozone::om
