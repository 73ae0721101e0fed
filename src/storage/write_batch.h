// WriteBatch: changes to several tables of one DBStore, applied atomically by
// DBStore::Commit (all or nothing, also across a crash).
//
// Thread-safety: not thread-safe; one writer builds a batch.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace rocksdb {
class WriteBatch;
}

namespace ozone::storage {

class RawTable;

class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;

  void Put(const RawTable& table, std::string_view key, std::string_view value);
  void Delete(const RawTable& table, std::string_view key);
  // Deletes keys in [begin, end).
  void DeleteRange(const RawTable& table, std::string_view begin, std::string_view end);

  // Number of operations in the batch.
  size_t Count() const;
  // Approximate size in bytes.
  size_t ByteSize() const;
  bool Empty() const { return Count() == 0; }
  void Clear();

  rocksdb::WriteBatch* rep() { return rep_.get(); }

 private:
  std::unique_ptr<rocksdb::WriteBatch> rep_;
};

}  // namespace ozone::storage
