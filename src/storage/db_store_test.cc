#include "storage/db_store.h"

#include <gtest/gtest.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "storage/table.h"
#include "test_message.pb.h"
#include "tests/testutil/subprocess.h"

namespace ozone::storage {
namespace {

namespace fs = std::filesystem;
using testutil::Subprocess;
using testutil::TempDir;

constexpr TableSpec<StringCodec, ProtoCodec<test::TestRecord>> kRecords{"records"};
constexpr TableSpec<Uint64Codec, StringCodec> kIds{"ids"};

DBDefinition TestDefinition() { return DBDefinition("test.db", {kRecords.Erase(), kIds.Erase()}); }

test::TestRecord Record(const std::string& name, int64_t big) {
  test::TestRecord r;
  r.set_name(name);
  r.set_big(big);
  return r;
}

std::string Helper() { return testutil::TestBinaryDir() + "/db_test_helper"; }

class DBStoreTest : public ::testing::Test {
 protected:
  TempDir tmp_;
  std::string db_path_ = tmp_.Sub("test.db");
};

TEST_F(DBStoreTest, CreatesDeclaredColumnFamilies) {
  auto store = DBStore::Open(db_path_, TestDefinition());
  ASSERT_TRUE(store.ok()) << store.status();
  auto names = (*store)->ColumnFamilyNames();
  EXPECT_EQ(names, (std::vector<std::string>{"default", "records", "ids"}));
  store->reset();
  EXPECT_EQ(*DBStore::ListColumnFamilies(db_path_), names);
  EXPECT_TRUE((*DBStore::Open(db_path_, TestDefinition()))->Table("nope").status().IsNotFound());
}

TEST_F(DBStoreTest, TableFilesCarryBloomFilters) {
  auto store = *DBStore::Open(db_path_, TestDefinition());
  auto ids = *Table<Uint64Codec, StringCodec>::Open(*store, kIds);
  WriteBatch batch;
  for (uint64_t i = 0; i < 100; ++i) ids.PutInBatch(batch, i, "value");
  ASSERT_TRUE(store->Commit(batch).ok());
  ASSERT_TRUE(store->Flush().ok());
  int files = 0;
  for (const auto& entry : fs::directory_iterator(db_path_)) {
    if (entry.path().extension() != ".sst") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(bytes.find("rocksdb.BuiltinBloomFilter"), std::string::npos) << entry.path();
  }
  EXPECT_GE(files, 1);
}

TEST_F(DBStoreTest, MemtablesCarryBloomFilters) {
  auto store = *DBStore::Open(db_path_, TestDefinition());
  auto ids = *Table<Uint64Codec, StringCodec>::Open(*store, kIds);
  WriteBatch batch;
  for (uint64_t i = 0; i < 100; ++i) ids.PutInBatch(batch, 2 * i, "value");
  ASSERT_TRUE(store->Commit(batch).ok());  // in the memtable only: nothing is flushed
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  for (uint64_t i = 0; i < 100; ++i) EXPECT_FALSE((*ids.Get(2 * i + 1)).has_value());
  const uint64_t skipped = rocksdb::get_perf_context()->bloom_memtable_miss_count;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  // Absent keys the filter rules out skip the skip list (a few may be false positives).
  EXPECT_GE(skipped, 90u);
  EXPECT_EQ(*ids.Get(2), std::optional<std::string>("value"));
}

TEST_F(DBStoreTest, BatchWritesAcrossTablesSurviveReopen) {
  {
    auto store = *DBStore::Open(db_path_, TestDefinition());
    auto records = *Table<StringCodec, ProtoCodec<test::TestRecord>>::Open(*store, kRecords);
    auto ids = *Table<Uint64Codec, StringCodec>::Open(*store, kIds);
    WriteBatch batch;
    records.PutInBatch(batch, "/vol1", Record("vol1", 1));
    records.PutInBatch(batch, "/vol2", Record("vol2", 2));
    ids.PutInBatch(batch, 7, "seven");
    EXPECT_EQ(batch.Count(), 3u);
    // Nothing is visible before the commit.
    EXPECT_FALSE((*records.Get("/vol1")).has_value());
    ASSERT_TRUE(store->Commit(batch).ok());
    EXPECT_EQ((*records.Get("/vol1"))->big(), 1);
  }
  auto store = *DBStore::Open(db_path_, TestDefinition());
  auto records = *Table<StringCodec, ProtoCodec<test::TestRecord>>::Open(*store, kRecords);
  auto ids = *Table<Uint64Codec, StringCodec>::Open(*store, kIds);
  EXPECT_EQ((*records.Get("/vol2"))->name(), "vol2");
  EXPECT_EQ(**ids.Get(7), "seven");
  EXPECT_FALSE((*ids.Get(8)).has_value());

  WriteBatch del;
  records.DeleteInBatch(del, "/vol1");
  ASSERT_TRUE(store->Commit(del).ok());
  EXPECT_FALSE((*records.Get("/vol1")).has_value());
}

TEST_F(DBStoreTest, BatchesAreAtomicAcrossAKill) {
  // A writer commits batches {a/i, b/i} without sync and is killed -9 mid-stream. After reopening,
  // every batch is either wholly present or wholly absent, and present ones form a prefix.
  auto child = Subprocess::Start({Helper(), "write-batches", db_path_});
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE(child->WaitForLine("ready", std::chrono::seconds(20)));
  ASSERT_TRUE(child->WaitForLine("wrote 3000", std::chrono::seconds(30)));
  child->Kill();

  DBDefinition def("test.db", {{"a", nullptr, nullptr}, {"b", nullptr, nullptr}});
  auto store = DBStore::Open(db_path_, def);
  ASSERT_TRUE(store.ok()) << store.status();
  RawTable* a = *(*store)->Table("a");
  RawTable* b = *(*store)->Table("b");
  uint64_t present = 0;
  bool gap = false;
  for (uint64_t i = 0; i < 10'000'000; ++i) {
    std::string k = std::to_string(i);
    bool in_a = (*a->Get(k)).has_value();
    bool in_b = (*b->Get(k)).has_value();
    ASSERT_EQ(in_a, in_b) << "batch " << i << " half applied";
    if (!in_a) {
      gap = true;
      // Look a little further: nothing after the first missing batch.
      for (uint64_t j = i + 1; j < i + 100; ++j) {
        ASSERT_FALSE((*a->Get(std::to_string(j))).has_value()) << "hole before batch " << j;
      }
      break;
    }
    ++present;
  }
  EXPECT_TRUE(gap);
  EXPECT_GT(present, 0u);
}

TEST_F(DBStoreTest, UnsyncedCommitsAreMadeDurableBySyncWal) {
  {
    auto store = DBStore::Open(db_path_, TestDefinition());
    ASSERT_TRUE(store.ok()) << store.status();
    auto records = (*store)->Table("records");
    ASSERT_TRUE(records.ok());
    WriteBatch batch;
    batch.Put(**records, "k", "v");
    ASSERT_TRUE((*store)->Commit(batch, {.sync = false}).ok());
    Status s = (*store)->SyncWal();
    EXPECT_TRUE(s.ok()) << s;
  }
  auto ro = DBStore::OpenReadOnly(db_path_);
  ASSERT_TRUE(ro.ok()) << ro.status();
  auto got = (*(*ro)->Table("records"))->Get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::optional<std::string>("v"));
  EXPECT_TRUE((*ro)->SyncWal().ok());  // nothing to sync on a read-only store
}

TEST_F(DBStoreTest, IteratesInOrderWithPrefixAndRange) {
  auto store = *DBStore::Open(db_path_, TestDefinition());
  RawTable* t = *store->Table("records");
  for (const char* k : {"/a/1", "/a/2", "/a/3", "/b/1", "/ab"}) ASSERT_TRUE(t->Put(k, k).ok());

  auto collect = [&](const IterateOptions& o) {
    std::vector<std::string> keys;
    auto it = t->NewIterator(o);
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok());
    return keys;
  };
  EXPECT_EQ(collect({}), (std::vector<std::string>{"/a/1", "/a/2", "/a/3", "/ab", "/b/1"}));
  EXPECT_EQ(collect({.prefix = "/a/"}), (std::vector<std::string>{"/a/1", "/a/2", "/a/3"}));
  EXPECT_EQ(collect({.lower_bound = "/a/2", .upper_bound = "/b"}),
            (std::vector<std::string>{"/a/2", "/a/3", "/ab"}));

  auto it = t->NewIterator({.prefix = "/a/"});
  it->Seek("/a/2");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "/a/2");
  it->SeekToLast();
  EXPECT_EQ(it->key(), "/a/3");
  it->SeekForPrev("/a/25");
  EXPECT_EQ(it->key(), "/a/2");

  auto ids = *Table<Uint64Codec, StringCodec>::Open(*store, kIds);
  WriteBatch batch;
  for (uint64_t id : {300, 2, 1000000, 17}) ids.PutInBatch(batch, id, std::to_string(id));
  ASSERT_TRUE(store->Commit(batch).ok());
  std::vector<uint64_t> order;
  ASSERT_TRUE(ids.ForEach({},
                          [&](const uint64_t& k, const std::string&) {
                            order.push_back(k);
                            return true;
                          })
                  .ok());
  EXPECT_EQ(order, (std::vector<uint64_t>{2, 17, 300, 1000000}));
}

TEST(PrefixSuccessorTest, HandlesTrailingFF) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

TEST_F(DBStoreTest, CheckpointIsAnOpenableCopy) {
  auto store = *DBStore::Open(db_path_, TestDefinition());
  auto records = *Table<StringCodec, ProtoCodec<test::TestRecord>>::Open(*store, kRecords);
  WriteBatch batch;
  for (int i = 0; i < 100; ++i) records.PutInBatch(batch, "/k" + std::to_string(i), Record("r", i));
  ASSERT_TRUE(store->Commit(batch).ok());

  std::string cp = tmp_.Sub("checkpoint");
  ASSERT_TRUE(store->CreateCheckpoint(cp).ok());
  EXPECT_TRUE(store->CreateCheckpoint(cp).IsAlreadyExists());

  // Later writes do not reach the checkpoint.
  WriteBatch more;
  records.PutInBatch(more, "/later", Record("later", 0));
  ASSERT_TRUE(store->Commit(more).ok());

  auto copy = *DBStore::Open(cp, TestDefinition());
  auto copied = *Table<StringCodec, ProtoCodec<test::TestRecord>>::Open(*copy, kRecords);
  EXPECT_EQ((*copied.Get("/k42"))->big(), 42);
  EXPECT_FALSE((*copied.Get("/later")).has_value());
}

TEST_F(DBStoreTest, LockedDbIsBusyButReadableReadOnly) {
  {
    auto store = *DBStore::Open(db_path_, TestDefinition());
    ASSERT_TRUE((*store->Table("records"))->Put("k", "v").ok());
  }
  auto holder = Subprocess::Start({Helper(), "hold", db_path_});
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(holder->WaitForLine("ready", std::chrono::seconds(20)));

  auto second = DBStore::Open(db_path_, TestDefinition());
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsBusy()) << second.status();
  EXPECT_NE(second.status().message().find(db_path_), std::string::npos);
  EXPECT_NE(second.status().message().find("locked"), std::string::npos);

  auto ro = DBStore::OpenReadOnly(db_path_);
  ASSERT_TRUE(ro.ok()) << ro.status();
  EXPECT_EQ(**(*(*ro)->Table("records"))->Get("k"), "v");
  EXPECT_TRUE((*ro)->read_only());
  WriteBatch batch;
  batch.Put(**(*ro)->Table("records"), "x", "y");
  EXPECT_TRUE((*ro)->Commit(batch).IsInvalidArgument());

  // A read-only store can still produce a checkpoint (a copy of what it sees).
  std::string cp = tmp_.Sub("ro-checkpoint");
  ASSERT_TRUE((*ro)->CreateCheckpoint(cp).ok());
  auto copy = DBStore::OpenReadOnly(cp);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(**(*(*copy)->Table("records"))->Get("k"), "v");
}

TEST_F(DBStoreTest, MissingDbIsNotFound) {
  DBOptions no_create;
  no_create.create_if_missing = false;
  auto s = DBStore::Open(db_path_, TestDefinition(), no_create);
  EXPECT_TRUE(s.status().IsNotFound()) << s.status();
  EXPECT_NE(s.status().message().find(db_path_), std::string::npos);
  EXPECT_TRUE(DBStore::OpenReadOnly(db_path_).status().IsNotFound());
  EXPECT_TRUE(DBStore::ListColumnFamilies(db_path_).status().IsNotFound());
  EXPECT_FALSE(fs::exists(db_path_));  // nothing was created
}

TEST_F(DBStoreTest, CorruptDbIsCorruption) {
  { ASSERT_TRUE(DBStore::Open(db_path_, TestDefinition()).ok()); }
  // Damage the manifest that CURRENT points at.
  std::string current;
  std::ifstream(db_path_ + "/CURRENT") >> current;
  {
    std::ofstream manifest(db_path_ + "/" + current, std::ios::trunc | std::ios::binary);
    manifest << "this is not a manifest, it is garbage of a decent length to be read";
  }
  auto s = DBStore::Open(db_path_, TestDefinition());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().IsCorruption()) << s.status();

  fs::remove_all(db_path_);
  fs::create_directories(db_path_);
  std::ofstream(db_path_ + "/somefile") << "x";
  auto not_db = DBStore::OpenReadOnly(db_path_);
  EXPECT_TRUE(not_db.status().IsCorruption()) << not_db.status();
}

TEST_F(DBStoreTest, UndeclaredFamiliesOnDiskAreKept) {
  {
    DBDefinition wide("test.db", {kRecords.Erase(), kIds.Erase(), {"legacy", nullptr, nullptr}});
    auto store = *DBStore::Open(db_path_, wide);
    ASSERT_TRUE((*store->Table("legacy"))->Put("old", "data").ok());
  }
  auto store = *DBStore::Open(db_path_, TestDefinition());
  EXPECT_EQ(**(*store->Table("legacy"))->Get("old"), "data");
}

}  // namespace
}  // namespace ozone::storage
