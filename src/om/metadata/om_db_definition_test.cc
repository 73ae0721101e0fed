#include "om/metadata/om_db_definition.h"

#include <gtest/gtest.h>

#include "storage/db_store.h"
#include "storage/table.h"
#include "tests/testutil/subprocess.h"

namespace ozone::om {
namespace {

TEST(OmDbDefinitionTest, HasOzoneColumnFamilyNames) {
  auto names = OmDbDefinition().Names();
  for (const char* n : {"volumeTable", "bucketTable", "keyTable", "openKeyTable", "deletedTable",
                        "transactionInfoTable", "statefulServiceConfigTable"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
}

TEST(OmDbDefinitionTest, VolumesRoundTrip) {
  testutil::TempDir tmp;
  auto store = *storage::DBStore::Open(tmp.Sub("om.db"), OmDbDefinition());
  auto volumes = *storage::Table<StringCodec, ProtoCodec<VolumeInfo>>::Open(*store, kVolumeTable);
  VolumeInfo v;
  v.set_volume("vol1");
  v.set_adminname("hadoop");
  v.set_ownername("hadoop");
  storage::WriteBatch batch;
  volumes.PutInBatch(batch, "/vol1", v);
  ASSERT_TRUE(store->Commit(batch).ok());
  EXPECT_EQ((*volumes.Get("/vol1"))->ownername(), "hadoop");
}

}  // namespace
}  // namespace ozone::om
