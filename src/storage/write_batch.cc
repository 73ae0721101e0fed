#include "storage/write_batch.h"

#include <rocksdb/write_batch.h>

#include "storage/raw_table.h"

namespace ozone::storage {

WriteBatch::WriteBatch() : rep_(std::make_unique<rocksdb::WriteBatch>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

void WriteBatch::Put(const RawTable& table, std::string_view key, std::string_view value) {
  rep_->Put(table.handle(), rocksdb::Slice(key.data(), key.size()),
            rocksdb::Slice(value.data(), value.size()))
      .PermitUncheckedError();
}

void WriteBatch::Delete(const RawTable& table, std::string_view key) {
  rep_->Delete(table.handle(), rocksdb::Slice(key.data(), key.size())).PermitUncheckedError();
}

void WriteBatch::DeleteRange(const RawTable& table, std::string_view begin, std::string_view end) {
  rep_->DeleteRange(table.handle(), rocksdb::Slice(begin.data(), begin.size()),
                    rocksdb::Slice(end.data(), end.size()))
      .PermitUncheckedError();
}

size_t WriteBatch::Count() const { return static_cast<size_t>(rep_->Count()); }
size_t WriteBatch::ByteSize() const { return rep_->GetDataSize(); }
void WriteBatch::Clear() { rep_->Clear(); }

}  // namespace ozone::storage
