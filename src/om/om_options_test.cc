#include "om/om_options.h"

#include <gtest/gtest.h>

#include "common/config/configuration.h"
#include "om/ha/om_replicated_state.h"

namespace ozone::om {
namespace {

TEST(OmOptionsTest, RocksDbWritesAreNotSyncedByDefaultAsInOzone) {
  config::Configuration conf;
  Result<OmOptions> o = OmOptions::FromConfiguration(conf);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_FALSE(o->rocksdb_write_sync);
  EXPECT_FALSE(OmStateMachineOptions(*o, "/tmp/om.db").sync);
}

TEST(OmOptionsTest, RocksDbWriteSyncIsReadAndReachesTheStateMachine) {
  config::Configuration conf;
  conf.Set("hadoop.hdds.db.rocksdb.writeoption.sync", "true");
  Result<OmOptions> o = OmOptions::FromConfiguration(conf);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->rocksdb_write_sync);
  EXPECT_TRUE(OmStateMachineOptions(*o, "/tmp/om.db").sync);
}

TEST(OmOptionsTest, AnInvalidRocksDbWriteSyncIsAnError) {
  config::Configuration conf;
  conf.Set("hadoop.hdds.db.rocksdb.writeoption.sync", "sometimes");
  EXPECT_FALSE(OmOptions::FromConfiguration(conf).ok());
}

TEST(OmOptionsTest, BlockPrefetchKeysAreRead) {
  config::Configuration conf;
  Result<OmOptions> d = OmOptions::FromConfiguration(conf);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->scm_block_prefetch_count, 64u);
  EXPECT_EQ(d->scm_block_prefetch_max_age, std::chrono::seconds(10));
  conf.Set("ozone.om.scm.block.prefetch.count", "0");
  conf.Set("ozone.om.scm.block.prefetch.max.age", "500ms");
  Result<OmOptions> o = OmOptions::FromConfiguration(conf);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->scm_block_prefetch_count, 0u);
  EXPECT_EQ(o->scm_block_prefetch_max_age, std::chrono::milliseconds(500));
}

TEST(OmOptionsTest, DoubleBufferGatherIntervalIsRead) {
  config::Configuration conf;
  Result<OmOptions> d = OmOptions::FromConfiguration(conf);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->double_buffer_gather_interval, std::chrono::milliseconds(1));
  conf.Set("ozone.om.double.buffer.gather.interval", "250us");
  Result<OmOptions> o = OmOptions::FromConfiguration(conf);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->double_buffer_gather_interval, std::chrono::microseconds(250));
  conf.Set("ozone.om.double.buffer.gather.interval", "0");
  EXPECT_EQ(OmOptions::FromConfiguration(conf)->double_buffer_gather_interval.count(), 0);
}

}  // namespace
}  // namespace ozone::om
