// DBStore: a RocksDB database with declared column families (a DBDefinition), atomic batches
// across them, and checkpoints. The only RocksDB-backed store of the project; nothing outside
// src/storage includes RocksDB.
//
// Errors are translated once, here: a DB locked by another process is Busy, a missing DB is
// NotFound, a damaged one is Corruption; each names the path.
//
// Thread-safety: all methods are safe for concurrent use. Tables returned by Table() live as
// long as the DBStore.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/db_definition.h"
#include "storage/raw_table.h"
#include "storage/write_batch.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace ozone::storage {

struct DBOptions {
  // Create the DB (and missing declared column families) if absent. Default: true.
  bool create_if_missing = true;
  // Open without taking the lock or writing anything; sees the state as of opening, and works
  // while a server has the DB open. Default: false.
  bool read_only = false;
  // Size of the shared block cache. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
  // Max background compaction/flush jobs. Default: 2.
  int max_background_jobs = 2;
};

struct CommitOptions {
  // fsync the WAL before returning, so the batch survives a machine crash. Default: true.
  bool sync = true;
};

// The RocksDB library version ("7.8.3").
std::string RocksDbVersion();

class DBStore {
 public:
  ~DBStore();
  DBStore(const DBStore&) = delete;
  DBStore& operator=(const DBStore&) = delete;

  // Opens (or creates) the DB at `path` with the column families of `definition`. Column
  // families present on disk but not declared are opened too (RocksDB requires it) and are
  // reachable through Table(name).
  static Result<std::unique_ptr<DBStore>> Open(const std::string& path,
                                               const DBDefinition& definition,
                                               const DBOptions& options = {});

  // Opens an existing DB read-only with every column family it has, whatever its schema.
  static Result<std::unique_ptr<DBStore>> OpenReadOnly(const std::string& path);

  // The column families of the DB at `path` (including "default"), without opening it.
  static Result<std::vector<std::string>> ListColumnFamilies(const std::string& path);

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }

  // Every column family name, in the order RocksDB lists them.
  std::vector<std::string> ColumnFamilyNames() const;

  // The column family `name`; NotFound if the DB has none of that name.
  Result<RawTable*> Table(std::string_view name) const;

  // Applies the batch atomically. InvalidArgument on a read-only store.
  Status Commit(WriteBatch& batch, const CommitOptions& options = {});

  // Makes every write committed so far durable (fsyncs the WAL): what a Commit without sync
  // needs before its effects may be relied on across a machine crash.
  Status SyncWal();

  // Writes an openable copy of the DB into `dir`, which must not exist: SST files are hard
  // linked, the rest copied (RocksDB checkpoint). On a read-only store it copies every column
  // family's contents into a new DB instead, which yields the same data.
  Status CreateCheckpoint(const std::string& dir) const;

  // Flushes memtables of every column family to SST files.
  Status Flush();

 private:
  DBStore() = default;

  std::string path_;
  bool read_only_ = false;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; destroyed before db_
  std::vector<std::string> names_;
  std::map<std::string, std::unique_ptr<RawTable>, std::less<>> tables_;
};

}  // namespace ozone::storage
