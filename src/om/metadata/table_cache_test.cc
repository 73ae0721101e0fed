#include "om/metadata/table_cache.h"

#include <gtest/gtest.h>

#include "om/metadata/cached_table.h"
#include "om/metadata/om_db_definition.h"
#include "tests/testutil/subprocess.h"

namespace ozone::om {
namespace {

using Cache = TableCache<VolumeInfo>;

std::shared_ptr<const VolumeInfo> Volume(const std::string& name) {
  auto v = std::make_shared<VolumeInfo>();
  v->set_volume(name);
  v->set_ownername("o");
  v->set_adminname("o");
  return v;
}

TEST(TableCacheTest, PartialCacheForgetsFlushedEntriesButNotLaterOverwrites) {
  Cache cache(CachePolicy::kPartial);
  EXPECT_EQ(cache.Get("/a").found, Cache::Found::kMayExist);
  cache.Put("/a", Volume("a"), 1);
  cache.Put("/b", nullptr, 2);
  cache.Put("/a", Volume("a2"), 3);
  EXPECT_EQ(cache.Get("/a").value->volume(), "a2");
  EXPECT_EQ(cache.Get("/b").found, Cache::Found::kNotExist);
  cache.Cleanup(2);
  EXPECT_EQ(cache.Get("/b").found, Cache::Found::kMayExist);
  EXPECT_EQ(cache.Get("/a").value->volume(), "a2");  // epoch 3 is not flushed
  cache.Cleanup(3);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TableCacheTest, RetainedPutsOutliveTheirFlushByTheWindowDeletesDoNot) {
  Cache cache(CachePolicy::kPartial, /*retain_puts=*/10);
  cache.Put("/a", Volume("a"), 1);
  cache.Put("/b", nullptr, 2);
  cache.Put("/c", Volume("c"), 5);
  cache.Cleanup(5);
  EXPECT_EQ(cache.Get("/a").value->volume(), "a") << "flushed, kept for 10 more entries";
  EXPECT_EQ(cache.Get("/b").found, Cache::Found::kMayExist) << "a delete goes at its flush";
  cache.Put("/c", nullptr, 7);  // deleted later: the tombstone wins, the old put is not evicted
  cache.Cleanup(10);
  EXPECT_EQ(cache.Get("/a").value->volume(), "a");
  EXPECT_EQ(cache.Get("/c").found, Cache::Found::kMayExist);
  cache.Cleanup(11);  // 1 + 10
  EXPECT_EQ(cache.Get("/a").found, Cache::Found::kMayExist);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TableCacheTest, FullCacheKeepsValuesAndEvictsTombstones) {
  Cache cache(CachePolicy::kFull);
  EXPECT_EQ(cache.Get("/a").found, Cache::Found::kNotExist);
  cache.LoadInitial("/a", Volume("a"));
  cache.Put("/b", Volume("b"), 5);
  cache.Put("/a", nullptr, 6);
  cache.Cleanup(6);
  EXPECT_EQ(cache.Get("/b").found, Cache::Found::kExists);
  EXPECT_EQ(cache.Get("/a").found, Cache::Found::kNotExist);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CachedTableTest, ScanMergesCacheOverDatabase) {
  testutil::TempDir tmp;
  auto db = *storage::DBStore::Open(tmp.Sub("om.db"), OmDbDefinition());
  CachedTable<KeyInfo> keys(kKeyTable, CachePolicy::kPartial);
  ASSERT_TRUE(keys.Bind(*db).ok());
  storage::WriteBatch batch;
  auto make = [](const std::string& name) {
    KeyInfo k;
    k.set_volumename("v");
    k.set_bucketname("b");
    k.set_keyname(name);
    k.set_datasize(0);
    k.set_type(hdds::RATIS);
    k.set_creationtime(1);
    k.set_modificationtime(1);
    return k;
  };
  for (const char* name : {"/v/b/a", "/v/b/c", "/v/b/e"}) {
    KeyInfo k = make(name);
    keys.PutInBatch(batch, name, k);
  }
  ASSERT_TRUE(db->Commit(batch).ok());
  KeyInfo d = make("/v/b/d");
  keys.Put("/v/b/d", d, 7);   // unflushed insert
  keys.Delete("/v/b/c", 8);   // unflushed delete
  std::vector<std::string> seen;
  ASSERT_TRUE(keys.Scan("/v/b/", "/v/b0", [&](const std::string& k, const auto&) {
                    seen.push_back(k);
                    return true;
                  }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"/v/b/a", "/v/b/d", "/v/b/e"}));
  EXPECT_EQ((*keys.Get("/v/b/c")), nullptr);
  EXPECT_NE((*keys.Get("/v/b/e")), nullptr);
}

}  // namespace
}  // namespace ozone::om
