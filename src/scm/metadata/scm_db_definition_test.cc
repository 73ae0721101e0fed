#include "scm/metadata/scm_db_definition.h"

#include <gtest/gtest.h>

#include "storage/db_store.h"
#include "storage/table.h"
#include "tests/testutil/subprocess.h"

namespace ozone::scm {
namespace {

TEST(ScmDbDefinitionTest, HasOzoneColumnFamilyNames) {
  auto names = ScmDbDefinition().Names();
  for (const char* n : {"containers", "pipelines", "deletedBlocks", "sequenceId",
                        "scmTransactionInfos", "statefulServiceConfig", "meta"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  EXPECT_EQ(ScmDbDefinition().db_name(), "scm.db");
}

TEST(ScmDbDefinitionTest, ContainersRoundTripAndSortNumerically) {
  testutil::TempDir tmp;
  auto store = *storage::DBStore::Open(tmp.Sub("scm.db"), ScmDbDefinition());
  auto containers = *storage::Table<ContainerIdCodec, ProtoCodec<hdds::ContainerInfoProto>>::Open(
      *store, kContainers);
  storage::WriteBatch batch;
  for (uint64_t id : {10, 2, 300}) {
    hdds::ContainerInfoProto c;
    c.set_containerid(static_cast<int64_t>(id));
    c.set_state(hdds::OPEN);
    c.set_usedbytes(0);
    c.set_numberofkeys(0);
    c.set_owner("om1");
    c.set_replicationtype(hdds::RATIS);
    containers.PutInBatch(batch, id, c);
  }
  ASSERT_TRUE(store->Commit(batch).ok());
  std::vector<uint64_t> order;
  ASSERT_TRUE(containers
                  .ForEach({},
                           [&](const uint64_t& id, const hdds::ContainerInfoProto& c) {
                             EXPECT_EQ(static_cast<uint64_t>(c.containerid()), id);
                             order.push_back(id);
                             return true;
                           })
                  .ok());
  EXPECT_EQ(order, (std::vector<uint64_t>{2, 10, 300}));
}

TEST(ScmDbDefinitionTest, PipelineIdTextForm) {
  auto uuid = *Uuid::Parse("e6877ce5-56cd-4f0b-ad60-4c8ef9000882");
  auto id = *PipelineIdCodec::FromText("e6877ce5-56cd-4f0b-ad60-4c8ef9000882");
  EXPECT_EQ(PipelineIdToUuid(id), uuid);
  EXPECT_EQ(PipelineIdCodec::ToJson(*PipelineIdCodec::Decode(PipelineIdCodec::Encode(id))),
            json::Json("e6877ce5-56cd-4f0b-ad60-4c8ef9000882"));
  EXPECT_FALSE(PipelineIdCodec::FromText("nope").ok());
}

}  // namespace
}  // namespace ozone::scm
