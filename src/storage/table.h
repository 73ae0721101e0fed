// Table<KC, VC>: typed access to one column family through its key and value codecs.
//
//   constexpr TableSpec<StringCodec, ProtoCodec<VolumeInfo>> kVolumeTable{"volumeTable"};
//   OZ_ASSIGN_OR_RETURN(auto volumes, Table<...>::Open(store, kVolumeTable));
//   volumes.PutInBatch(batch, "/vol1", info);
//
// Thread-safety: as RawTable.
#pragma once

#include <functional>
#include <optional>

#include "storage/db_store.h"

namespace ozone::storage {

template <CodecType KC, CodecType VC>
class Table {
 public:
  using Key = typename KC::Type;
  using Value = typename VC::Type;

  static Result<Table> Open(const DBStore& store, const TableSpec<KC, VC>& spec) {
    OZ_ASSIGN_OR_RETURN(RawTable * raw, store.Table(spec.name));
    return Table(raw);
  }

  const std::string& name() const { return raw_->name(); }
  RawTable& raw() const { return *raw_; }

  Result<std::optional<Value>> Get(const Key& key) const {
    OZ_ASSIGN_OR_RETURN(auto bytes, raw_->Get(KC::Encode(key)));
    if (!bytes) return std::optional<Value>();
    auto v = VC::Decode(*bytes);
    if (!v.ok()) return v.status().WithContext("table " + name());
    return std::optional<Value>(std::move(v).value());
  }

  void PutInBatch(WriteBatch& batch, const Key& key, const Value& value) const {
    batch.Put(*raw_, KC::Encode(key), VC::Encode(value));
  }
  void DeleteInBatch(WriteBatch& batch, const Key& key) const {
    batch.Delete(*raw_, KC::Encode(key));
  }

  // Visits entries in key order within `options`; stops early when `fn` returns false.
  // Returns the first decode or I/O error.
  Status ForEach(const IterateOptions& options,
                 const std::function<bool(const Key&, const Value&)>& fn) const {
    auto it = raw_->NewIterator(options);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto k = KC::Decode(it->key());
      if (!k.ok()) return k.status().WithContext("key in table " + name());
      auto v = VC::Decode(it->value());
      if (!v.ok()) return v.status().WithContext("value in table " + name());
      if (!fn(*k, *v)) break;
    }
    return it->status();
  }

 private:
  explicit Table(RawTable* raw) : raw_(raw) {}
  RawTable* raw_;
};

}  // namespace ozone::storage
