// TableCache<V>: the in-memory layer over one om.db table (Ozone's TableCache), so that reads see
// what Apply changed before the double buffer flushed it. Every change is put with its epoch (the
// log index of the entry that made it); once the database holds an index, Cleanup evicts what
// it made:
//   kFull     (volumeTable, bucketTable; Ozone's FULL_CACHE): every row is loaded at start and
//             stays; only tombstones are evicted. A miss means the row does not exist.
//   kPartial  (key tables; PARTIAL_CACHE): holds only unflushed changes, evicted after their
//             flush unless overwritten by a later epoch. A miss means "read the database".
//             With `retain_puts` > 0 a flushed put stays until the database holds `retain_puts`
//             more log entries (openKeyTable: a key is usually committed soon after it was
//             opened, and the commit then finds it here instead of reading om.db); deletes go
//             at their flush as before.
//
// Thread-safety: all methods may be called from any thread (a shared mutex: Get and ForEach
// share, changes are exclusive).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace ozone::om {

enum class CachePolicy : uint8_t { kFull, kPartial };

template <typename V>
class TableCache {
 public:
  using ValuePtr = std::shared_ptr<const V>;
  struct Entry {
    ValuePtr value;  // null: deleted (a tombstone)
    uint64_t epoch = 0;
  };
  enum class Found : uint8_t { kExists, kNotExist, kMayExist };
  struct Lookup {
    Found found;
    ValuePtr value;  // set iff kExists
  };

  explicit TableCache(CachePolicy policy, uint64_t retain_puts = 0)
      : policy_(policy), retain_puts_(policy == CachePolicy::kPartial ? retain_puts : 0) {}

  CachePolicy policy() const { return policy_; }

  Lookup Get(std::string_view key) const {
    std::shared_lock<std::shared_mutex> l(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      return {policy_ == CachePolicy::kFull ? Found::kNotExist : Found::kMayExist, nullptr};
    }
    if (!it->second.value) return {Found::kNotExist, nullptr};
    return {Found::kExists, it->second.value};
  }

  // A change made by the entry at `epoch`; `value` null deletes.
  void Put(std::string key, ValuePtr value, uint64_t epoch) {
    std::unique_lock<std::shared_mutex> l(mu_);
    epochs_.emplace(epoch, key);
    entries_.insert_or_assign(std::move(key), Entry{std::move(value), epoch});
  }

  // A flushed row (kFull, at load).
  void LoadInitial(std::string key, ValuePtr value) {
    std::unique_lock<std::shared_mutex> l(mu_);
    entries_.insert_or_assign(std::move(key), Entry{std::move(value), 0});
  }

  void Clear() {
    std::unique_lock<std::shared_mutex> l(mu_);
    entries_.clear();
    epochs_.clear();
    retained_.clear();
  }

  // The database holds every change up to `flushed`: evict (see above).
  void Cleanup(uint64_t flushed) {
    std::unique_lock<std::shared_mutex> l(mu_);
    auto end = epochs_.upper_bound(flushed);
    for (auto it = epochs_.begin(); it != end; ++it) {
      auto e = entries_.find(it->second);
      if (e == entries_.end() || e->second.epoch != it->first) continue;  // overwritten later
      if (retain_puts_ > 0 && e->second.value) {
        retained_.emplace_back(it->first, it->second);  // epochs_ is in order: so is retained_
        continue;
      }
      if (policy_ == CachePolicy::kPartial || !e->second.value) entries_.erase(e);
    }
    epochs_.erase(epochs_.begin(), end);
    while (!retained_.empty() && retained_.front().first + retain_puts_ <= flushed) {
      auto e = entries_.find(retained_.front().second);
      if (e != entries_.end() && e->second.epoch == retained_.front().first) entries_.erase(e);
      retained_.pop_front();
    }
  }

  // Visits entries (tombstones included) with keys in [lower, upper) in key order (upper empty:
  // no bound) until `fn` returns false.
  void ForEach(std::string_view lower, std::string_view upper,
               const std::function<bool(const std::string&, const Entry&)>& fn) const {
    std::shared_lock<std::shared_mutex> l(mu_);
    for (auto it = entries_.lower_bound(lower); it != entries_.end(); ++it) {
      if (!upper.empty() && it->first >= upper) break;
      if (!fn(it->first, it->second)) break;
    }
  }

  size_t size() const {
    std::shared_lock<std::shared_mutex> l(mu_);
    return entries_.size();
  }

 private:
  const CachePolicy policy_;
  const uint64_t retain_puts_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mu_
  std::multimap<uint64_t, std::string> epochs_;        // guarded by mu_: changes to evict
  std::deque<std::pair<uint64_t, std::string>> retained_;  // guarded by mu_: flushed puts kept
};

}  // namespace ozone::om
