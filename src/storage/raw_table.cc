#include "storage/raw_table.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>

#include "storage/rocks_status.h"

namespace ozone::storage {

namespace {
rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
}  // namespace

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(s.back());
    if (last != 0xFF) {
      ++last;
      return s;
    }
    s.pop_back();
  }
  return s;
}

RawIterator::RawIterator(std::unique_ptr<rocksdb::Iterator> it,
                         std::unique_ptr<rocksdb::ReadOptions> ro,
                         std::unique_ptr<std::string> lower, std::unique_ptr<std::string> upper,
                         std::unique_ptr<rocksdb::Slice> lower_slice,
                         std::unique_ptr<rocksdb::Slice> upper_slice)
    : lower_(std::move(lower)),
      upper_(std::move(upper)),
      lower_slice_(std::move(lower_slice)),
      upper_slice_(std::move(upper_slice)),
      read_options_(std::move(ro)),
      it_(std::move(it)) {}

RawIterator::~RawIterator() { it_.reset(); }

void RawIterator::SeekToFirst() { it_->SeekToFirst(); }
void RawIterator::SeekToLast() { it_->SeekToLast(); }
void RawIterator::Seek(std::string_view target) { it_->Seek(ToSlice(target)); }
void RawIterator::SeekForPrev(std::string_view target) { it_->SeekForPrev(ToSlice(target)); }
bool RawIterator::Valid() const { return it_->Valid(); }
void RawIterator::Next() { it_->Next(); }
void RawIterator::Prev() { it_->Prev(); }
std::string_view RawIterator::key() const {
  auto k = it_->key();
  return std::string_view(k.data(), k.size());
}
std::string_view RawIterator::value() const {
  auto v = it_->value();
  return std::string_view(v.data(), v.size());
}
Status RawIterator::status() const { return FromRocks(it_->status(), "iterate", "(iterator)"); }

Result<std::optional<std::string>> RawTable::Get(std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_, ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "get from " + name_, db_path_);
  return std::optional<std::string>(std::move(value));
}

Status RawTable::Put(std::string_view key, std::string_view value) {
  return FromRocks(db_->Put(rocksdb::WriteOptions(), cf_, ToSlice(key), ToSlice(value)),
                   "put into " + name_, db_path_);
}

Status RawTable::Delete(std::string_view key) {
  return FromRocks(db_->Delete(rocksdb::WriteOptions(), cf_, ToSlice(key)), "delete from " + name_,
                   db_path_);
}

std::unique_ptr<RawIterator> RawTable::NewIterator(const IterateOptions& options) const {
  auto ro = std::make_unique<rocksdb::ReadOptions>();
  std::unique_ptr<std::string> lower, upper;
  if (options.prefix) {
    lower = std::make_unique<std::string>(*options.prefix);
    std::string succ = PrefixSuccessor(*options.prefix);
    if (!succ.empty()) upper = std::make_unique<std::string>(std::move(succ));
  }
  if (options.lower_bound && (!lower || *options.lower_bound > *lower)) {
    lower = std::make_unique<std::string>(*options.lower_bound);
  }
  if (options.upper_bound && (!upper || *options.upper_bound < *upper)) {
    upper = std::make_unique<std::string>(*options.upper_bound);
  }
  std::unique_ptr<rocksdb::Slice> lower_slice, upper_slice;
  if (lower) {
    lower_slice = std::make_unique<rocksdb::Slice>(*lower);
    ro->iterate_lower_bound = lower_slice.get();
  }
  if (upper) {
    upper_slice = std::make_unique<rocksdb::Slice>(*upper);
    ro->iterate_upper_bound = upper_slice.get();
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(*ro, cf_));
  return std::unique_ptr<RawIterator>(
      new RawIterator(std::move(it), std::move(ro), std::move(lower), std::move(upper),
                      std::move(lower_slice), std::move(upper_slice)));
}

Result<uint64_t> RawTable::EstimateNumKeys() const {
  uint64_t n = 0;
  if (!db_->GetIntProperty(cf_, "rocksdb.estimate-num-keys", &n)) {
    return Status::IoError("cannot read rocksdb.estimate-num-keys of " + name_);
  }
  return n;
}

}  // namespace ozone::storage
