// RawTable: one column family of a DBStore, with byte-string keys and values, and RawIterator
// over it in key order (bytewise), optionally bounded to a range or a prefix.
// Typed access goes through Table<KC, VC> (table.h).
//
// Thread-safety: RawTable is safe for concurrent use (RocksDB is). A RawIterator is used by
// one thread at a time; it reads a consistent snapshot taken when it was created.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Iterator;
class ReadOptions;
class Slice;
}  // namespace rocksdb

namespace ozone::storage {

struct IterateOptions {
  std::optional<std::string> lower_bound;  // inclusive
  std::optional<std::string> upper_bound;  // exclusive
  // Shorthand for [prefix, successor of prefix).
  std::optional<std::string> prefix;
};

class RawIterator {
 public:
  ~RawIterator();
  RawIterator(const RawIterator&) = delete;
  RawIterator& operator=(const RawIterator&) = delete;

  void SeekToFirst();
  void SeekToLast();
  // First key >= target.
  void Seek(std::string_view target);
  // Last key <= target.
  void SeekForPrev(std::string_view target);
  bool Valid() const;
  void Next();
  void Prev();
  // REQUIRES: Valid().
  std::string_view key() const;
  std::string_view value() const;
  // An I/O or corruption error met while iterating (iteration stops as if at the end).
  Status status() const;

 private:
  friend class RawTable;
  RawIterator(std::unique_ptr<rocksdb::Iterator> it, std::unique_ptr<rocksdb::ReadOptions> ro,
              std::unique_ptr<std::string> lower, std::unique_ptr<std::string> upper,
              std::unique_ptr<rocksdb::Slice> lower_slice,
              std::unique_ptr<rocksdb::Slice> upper_slice);

  // Declared in destruction-safe order: the iterator goes before its options and bounds.
  std::unique_ptr<std::string> lower_, upper_;
  std::unique_ptr<rocksdb::Slice> lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::ReadOptions> read_options_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RawTable {
 public:
  RawTable(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string name, std::string db_path)
      : db_(db), cf_(cf), name_(std::move(name)), db_path_(std::move(db_path)) {}

  const std::string& name() const { return name_; }

  // The value, nullopt if absent, or an error.
  Result<std::optional<std::string>> Get(std::string_view key) const;
  // Single writes, not synced (use a WriteBatch and DBStore::Commit for durability).
  Status Put(std::string_view key, std::string_view value);
  Status Delete(std::string_view key);

  std::unique_ptr<RawIterator> NewIterator(const IterateOptions& options = {}) const;

  // RocksDB's estimate of the number of keys (cheap, inexact).
  Result<uint64_t> EstimateNumKeys() const;

  rocksdb::ColumnFamilyHandle* handle() const { return cf_; }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  std::string name_;
  std::string db_path_;
};

// The smallest string greater than every string with `prefix`; empty if none exists
// (the prefix is all 0xFF bytes).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace ozone::storage
