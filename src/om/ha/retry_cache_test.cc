// RetryCache on its own over a real om.db: what answers (expiry by leader time, the count bound),
// how rows are written and dropped (index-ordered rows, one range deletion per chunk), and that a
// reload from the database is the same cache as the one that wrote it, rows of the earlier
// "<clientId>#<callId>" form included.
#include "om/ha/retry_cache.h"

#include <gtest/gtest.h>

#include <map>

#include "om/metadata/om_db_definition.h"
#include "om/metadata/om_db_keys.h"
#include "tests/testutil/subprocess.h"

namespace ozone::om {
namespace {

using std::chrono::milliseconds;

std::string Answer(uint64_t call) {
  OMResponse r;
  r.set_cmdtype(CreateVolume);
  r.set_status(OK);
  r.set_message("call " + std::to_string(call));
  return r.SerializeAsString();
}

class RetryCacheTest : public ::testing::Test {
 protected:
  struct Db {
    std::unique_ptr<storage::DBStore> store;
    storage::RawTable* table = nullptr;
  };

  Db OpenDb(const std::string& name) {
    Db db;
    db.store = *storage::DBStore::Open(tmp_.Sub(name), OmDbDefinition());
    db.table = *db.store->Table(kRetryCacheTable.name);
    return db;
  }

  // Records call `call` of "client" as the write at `index`, committed on its own.
  static void Record(RetryCache& cache, Db& db, uint64_t call, uint64_t index, uint64_t time,
                     const std::string& client = "client") {
    storage::WriteBatch batch;
    cache.Record(batch, client, call, time, index, Answer(call));
    ASSERT_TRUE(db.store->Commit(batch).ok());
  }

  static std::map<std::string, std::string> Rows(const Db& db) {
    std::map<std::string, std::string> rows;
    auto it = db.table->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      rows.emplace(std::string(it->key()), std::string(it->value()));
    }
    return rows;
  }

  testutil::TempDir tmp_;
};

TEST_F(RetryCacheTest, AnswersWithTheBytesRecordedInARowKeyedByIndex) {
  Db db = OpenDb("om.db");
  RetryCache cache(milliseconds(300'000), 100);
  ASSERT_TRUE(cache.Reload(*db.store).ok());
  Record(cache, db, /*call=*/7, /*index=*/42, /*time=*/1000);

  EXPECT_EQ(cache.LookupSerialized("client", 7), Answer(7));
  EXPECT_EQ(cache.Lookup("client", 7)->message(), "call 7");
  EXPECT_EQ(cache.LookupSerialized("client", 8), std::nullopt);
  EXPECT_EQ(cache.LookupSerialized("other", 7), std::nullopt);

  auto rows = Rows(db);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.begin()->first, "#000000000000002a");
  RetryCacheEntry e;
  ASSERT_TRUE(e.ParseFromString(rows.begin()->second));  // a complete message: required fields
  EXPECT_EQ(e.clientid(), "client");
  EXPECT_EQ(e.callid(), 7u);
  EXPECT_EQ(e.leadertimemillis(), 1000u);
  EXPECT_EQ(e.transactionindex(), 42u);
  EXPECT_EQ(e.cacheleadertimemillis(), 1000u);
  EXPECT_EQ(e.response().SerializeAsString(), Answer(7));
}

TEST_F(RetryCacheTest, ExpiresByLeaderTimeAndCountAtOnceButDropsRowsInChunks) {
  Db db = OpenDb("om.db");
  RetryCache cache(milliseconds(1000), /*max_entries=*/64);  // chunk: 64 / 16 = 4
  ASSERT_TRUE(cache.Reload(*db.store).ok());
  for (uint64_t i = 1; i <= 64; ++i) Record(cache, db, i, i, /*time=*/10);
  EXPECT_TRUE(cache.LookupSerialized("client", 1));
  Record(cache, db, 65, 65, 10);
  // Beyond the count bound: no answer at once, though held until a chunk has accumulated.
  EXPECT_EQ(cache.LookupSerialized("client", 1), std::nullopt);
  EXPECT_TRUE(cache.LookupSerialized("client", 2));
  EXPECT_EQ(cache.size(), 65u);
  EXPECT_EQ(Rows(db).size(), 65u);
  for (uint64_t i = 66; i <= 67; ++i) Record(cache, db, i, i, 10);
  EXPECT_EQ(cache.size(), 67u);
  Record(cache, db, 68, 68, 10);  // the 4th that no longer answers: the chunk goes
  EXPECT_EQ(cache.size(), 64u);
  auto rows = Rows(db);
  ASSERT_EQ(rows.size(), 64u);
  EXPECT_EQ(rows.begin()->first, RetryCacheRowKey(5));

  // Leader time moves on by more than the expiry: everything older stops answering at once.
  Record(cache, db, 69, 69, 1011);
  EXPECT_EQ(cache.LookupSerialized("client", 68), std::nullopt);
  EXPECT_TRUE(cache.LookupSerialized("client", 69));
  // ...and goes (the newest record always stays: it carries the cache's leader time).
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(Rows(db).size(), 1u);
}

TEST_F(RetryCacheTest, AReloadedCacheIsTheCacheThatWroteTheDatabase) {
  // Two replicas apply the same writes; one restarts now and then (Reload from its om.db).
  // Throughout, both answer the same and hold the same rows: records recorded again while still
  // held, a stretch of writes from a leader whose clock is behind by more than the expiry (a
  // restart in it must not forget the leader time the cache had reached), and both bounds.
  struct Bounds {
    int64_t expiry_ms;
    uint64_t max_entries;
  };
  for (Bounds bounds : {Bounds{500, 1600}, Bounds{300, 32}}) {
    SCOPED_TRACE("expiry " + std::to_string(bounds.expiry_ms) + " ms, max " +
                 std::to_string(bounds.max_entries));
    Db a = OpenDb("a" + std::to_string(bounds.max_entries));
    Db b = OpenDb("b" + std::to_string(bounds.max_entries));
    RetryCache live(milliseconds(bounds.expiry_ms), bounds.max_entries);
    RetryCache restarted(milliseconds(bounds.expiry_ms), bounds.max_entries);
    ASSERT_TRUE(live.Reload(*a.store).ok());
    ASSERT_TRUE(restarted.Reload(*b.store).ok());
    for (uint64_t i = 0; i < 400; ++i) {
      if (i == 130 || i == 220 || i == 235 || i == 333) {
        ASSERT_TRUE(restarted.Reload(*b.store).ok());
      }
      uint64_t time = 1000 + i * 7 - (i >= 200 && i < 240 ? 600 : 0);
      uint64_t call = i >= 80 && i % 9 == 4 ? i - 80 : i;  // an earlier call again
      uint64_t index = 1000 + i;
      // A replica records a write only if it does not answer it already, as OmApplyHandler does.
      auto answered = live.LookupSerialized("client", call);
      ASSERT_EQ(answered, restarted.LookupSerialized("client", call)) << "write " << i;
      if (!answered) {
        Record(live, a, call, index, time);
        Record(restarted, b, call, index, time);
      }
      ASSERT_EQ(live.size(), restarted.size()) << "write " << i;
    }
    EXPECT_EQ(Rows(a), Rows(b));
    EXPECT_GT(Rows(a).size(), 1u);
  }
}

TEST_F(RetryCacheTest, RowsOfTheEarlierFormAreReadAndDeletedWhenTheyGo) {
  Db db = OpenDb("om.db");
  for (uint64_t call = 1; call <= 3; ++call) {
    RetryCacheEntry e;
    e.set_clientid("old-client");
    e.set_callid(call);
    e.set_leadertimemillis(10);
    e.set_transactionindex(call);
    ASSERT_TRUE(e.mutable_response()->ParseFromString(Answer(call)));
    ASSERT_TRUE(db.table->Put(RetryCacheDbKey("old-client", call), e.SerializeAsString()).ok());
  }
  RetryCache cache(milliseconds(300'000), /*max_entries=*/16);  // chunk 1
  ASSERT_TRUE(cache.Reload(*db.store).ok());
  EXPECT_EQ(cache.LookupSerialized("old-client", 2), Answer(2));
  for (uint64_t i = 1; i <= 13; ++i) Record(cache, db, i, 10 + i, 20);
  EXPECT_EQ(Rows(db).size(), 16u);
  Record(cache, db, 14, 24, 20);  // 17 records, 18: the two oldest (of the earlier form) go
  Record(cache, db, 15, 25, 20);
  auto rows = Rows(db);
  EXPECT_EQ(rows.size(), 16u);
  EXPECT_EQ(rows.count(RetryCacheDbKey("old-client", 1)), 0u);
  EXPECT_EQ(rows.count(RetryCacheDbKey("old-client", 2)), 0u);
  EXPECT_EQ(rows.count(RetryCacheDbKey("old-client", 3)), 1u);
  EXPECT_EQ(cache.LookupSerialized("old-client", 3), Answer(3));
}

TEST(RetryCacheRowKeyTest, SortsByIndexAndIsToldApartFromTheEarlierForm) {
  EXPECT_EQ(RetryCacheRowKey(0), "#0000000000000000");
  EXPECT_LT(RetryCacheRowKey(255), RetryCacheRowKey(256));
  EXPECT_LT(RetryCacheRowKey(0xffffffffull), RetryCacheRowKey(0x100000000ull));
  EXPECT_TRUE(IsRetryCacheRowKey(RetryCacheRowKey(12345)));
  EXPECT_FALSE(IsRetryCacheRowKey(RetryCacheDbKey("client", 1)));
  EXPECT_FALSE(IsRetryCacheRowKey(RetryCacheDbKey("#abcdefabcdef", 123)));  // 17 bytes, from '#'
}

}  // namespace
}  // namespace ozone::om
