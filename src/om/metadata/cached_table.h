// CachedTable<V>: one om.db table (string keys, protobuf values) behind its TableCache: reads go
// cache -> database and scans merge both, so they see applied-but-unflushed changes; Apply
// changes only the cache (Put/Delete with the entry's index as epoch) and writes the rows into
// the batch the double buffer commits (PutInBatch/DeleteInBatch, called by the responses).
//
// Binding: Bind attaches the table of a (re)opened database (a kFull cache loads every row, a
// kPartial one starts empty); Unbind detaches it before the database closes. The owner
// (OmMetadataManager) keeps readers out while it rebinds.
//
// Thread-safety: Get/Scan from any thread while bound; Put/Delete/Cleanup from the apply side.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "om/metadata/table_cache.h"
#include "storage/codec.h"
#include "storage/db_store.h"
#include "storage/table.h"
#include "storage/write_batch.h"

namespace ozone::om {

template <typename V>
class CachedTable {
 public:
  using Spec = storage::TableSpec<storage::StringCodec, storage::ProtoCodec<V>>;
  using ValuePtr = std::shared_ptr<const V>;
  // Visitor of a scan: key and value; returns false to stop.
  using ScanFn = std::function<bool(const std::string&, const ValuePtr&)>;

  // `retain_puts`: see TableCache.
  CachedTable(const Spec& spec, CachePolicy policy, uint64_t retain_puts = 0)
      : spec_(spec), cache_(policy, retain_puts) {}

  const std::string_view name() const { return spec_.name; }

  ozone::Status Bind(const storage::DBStore& db) {
    cache_.Clear();
    OZ_ASSIGN_OR_RETURN(raw_, db.Table(spec_.name));
    if (cache_.policy() != CachePolicy::kFull) return ozone::Status::OK();
    auto it = raw_->NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto v = storage::ProtoCodec<V>::Decode(it->value());
      if (!v.ok()) return v.status().WithContext("loading " + std::string(spec_.name));
      cache_.LoadInitial(std::string(it->key()), std::make_shared<const V>(std::move(v).value()));
    }
    return it->status();
  }
  void Unbind() {
    raw_ = nullptr;
    cache_.Clear();
  }

  // The value of `key` as applied (nullptr if absent). IoError/Corruption from the database.
  Result<ValuePtr> Get(std::string_view key) const {
    auto found = cache_.Get(key);
    if (found.found == TableCache<V>::Found::kExists) return found.value;
    if (found.found == TableCache<V>::Found::kNotExist) return ValuePtr();
    OZ_ASSIGN_OR_RETURN(std::optional<std::string> bytes, raw_->Get(key));
    if (!bytes) return ValuePtr();
    auto v = storage::ProtoCodec<V>::Decode(*bytes);
    if (!v.ok()) return v.status().WithContext("table " + std::string(spec_.name));
    return ValuePtr(std::make_shared<const V>(std::move(v).value()));
  }

  // Visits the live rows with keys in [lower, upper) in key order, cache and database merged
  // (the cache wins), until `fn` returns false.
  ozone::Status Scan(const std::string& lower, const std::string& upper, const ScanFn& fn) const {
    std::vector<std::pair<std::string, typename TableCache<V>::Entry>> cached;
    bool full = cache_.policy() == CachePolicy::kFull;
    cache_.ForEach(lower, upper, [&](const std::string& k, const typename TableCache<V>::Entry& e) {
      if (full && !e.value) return true;
      if (full) return fn(k, e.value);
      cached.emplace_back(k, e);
      return true;
    });
    if (full) return ozone::Status::OK();
    storage::IterateOptions options;
    options.lower_bound = lower;
    if (!upper.empty()) options.upper_bound = upper;
    auto it = raw_->NewIterator(options);
    it->SeekToFirst();
    size_t c = 0;
    while (true) {
      bool db_valid = it->Valid();
      if (!db_valid && c == cached.size()) break;
      std::string_view db_key = db_valid ? it->key() : std::string_view();
      if (c < cached.size() && (!db_valid || cached[c].first <= db_key)) {
        bool same = db_valid && cached[c].first == db_key;
        const auto& e = cached[c].second;
        ++c;
        if (same) it->Next();
        if (e.value && !fn(cached[c - 1].first, e.value)) return ozone::Status::OK();
        continue;
      }
      auto v = storage::ProtoCodec<V>::Decode(it->value());
      if (!v.ok()) return v.status().WithContext("table " + std::string(spec_.name));
      std::string key(db_key);
      it->Next();
      if (!fn(key, std::make_shared<const V>(std::move(v).value()))) return ozone::Status::OK();
    }
    return it->status();
  }

  // Apply side: the change made by the entry at `epoch`.
  void Put(std::string key, V value, uint64_t epoch) {
    cache_.Put(std::move(key), std::make_shared<const V>(std::move(value)), epoch);
  }
  void PutShared(std::string key, ValuePtr value, uint64_t epoch) {
    cache_.Put(std::move(key), std::move(value), epoch);
  }
  void Delete(std::string key, uint64_t epoch) { cache_.Put(std::move(key), nullptr, epoch); }
  void Cleanup(uint64_t flushed) { cache_.Cleanup(flushed); }

  // The rows, into the batch the double buffer commits.
  void PutInBatch(storage::WriteBatch& batch, std::string_view key, const V& value) const {
    batch.Put(*raw_, key, storage::ProtoCodec<V>::Encode(value));
  }
  void DeleteInBatch(storage::WriteBatch& batch, std::string_view key) const {
    batch.Delete(*raw_, key);
  }

  size_t cached_entries() const { return cache_.size(); }

 private:
  const Spec spec_;
  TableCache<V> cache_;
  storage::RawTable* raw_ = nullptr;
};

}  // namespace ozone::om
