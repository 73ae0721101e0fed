#include "om/response/om_client_response.h"

namespace ozone::om {

namespace {

template <typename V>
std::shared_ptr<const V> As(const std::shared_ptr<const google::protobuf::Message>& m) {
  return std::static_pointer_cast<const V>(m);
}

template <typename V>
void Cache(CachedTable<V>& table, const std::string& key,
           const std::shared_ptr<const google::protobuf::Message>& value, uint64_t epoch) {
  if (value) {
    table.PutShared(key, As<V>(value), epoch);
  } else {
    table.Delete(key, epoch);
  }
}

template <typename V>
void Write(const CachedTable<V>& table, storage::WriteBatch& batch, const std::string& key,
           const std::shared_ptr<const google::protobuf::Message>& value) {
  if (value) {
    table.PutInBatch(batch, key, *As<V>(value));
  } else {
    table.DeleteInBatch(batch, key);
  }
}

}  // namespace

void OmClientResponse::PutVolume(std::string key, VolumeInfo value) {
  changes_.push_back({OmTable::kVolume, std::move(key),
                      std::make_shared<const VolumeInfo>(std::move(value))});
}

void OmClientResponse::PutBucket(std::string key, BucketInfo value) {
  changes_.push_back({OmTable::kBucket, std::move(key),
                      std::make_shared<const BucketInfo>(std::move(value))});
}

void OmClientResponse::PutKey(std::string key, KeyInfo value) {
  changes_.push_back(
      {OmTable::kKey, std::move(key), std::make_shared<const KeyInfo>(std::move(value))});
}

void OmClientResponse::PutOpenKey(std::string key, KeyInfo value) {
  changes_.push_back(
      {OmTable::kOpenKey, std::move(key), std::make_shared<const KeyInfo>(std::move(value))});
}

void OmClientResponse::PutDeleted(std::string key, RepeatedKeyInfo value) {
  changes_.push_back({OmTable::kDeleted, std::move(key),
                      std::make_shared<const RepeatedKeyInfo>(std::move(value))});
}

void OmClientResponse::Delete(OmTable table, std::string key) {
  changes_.push_back({table, std::move(key), nullptr});
}

void OmClientResponse::UpdateCache(OmMetadataManager& m, uint64_t epoch) const {
  for (const Change& c : changes_) {
    switch (c.table) {
      case OmTable::kVolume: Cache(m.volumes(), c.key, c.value, epoch); break;
      case OmTable::kBucket: Cache(m.buckets(), c.key, c.value, epoch); break;
      case OmTable::kKey: Cache(m.keys(), c.key, c.value, epoch); break;
      case OmTable::kOpenKey: Cache(m.open_keys(), c.key, c.value, epoch); break;
      case OmTable::kDeleted: Cache(m.deleted(), c.key, c.value, epoch); break;
    }
  }
}

void OmClientResponse::AddToBatch(const OmMetadataManager& m, storage::WriteBatch& batch,
                                  CoalescedRows& buckets) const {
  for (const Change& c : changes_) {
    switch (c.table) {
      case OmTable::kVolume: Write(m.volumes(), batch, c.key, c.value); break;
      case OmTable::kBucket: buckets[c.key] = c.value; break;
      case OmTable::kKey: Write(m.keys(), batch, c.key, c.value); break;
      case OmTable::kOpenKey: Write(m.open_keys(), batch, c.key, c.value); break;
      case OmTable::kDeleted: Write(m.deleted(), batch, c.key, c.value); break;
    }
  }
}

void WriteBucketRows(const OmMetadataManager& m, storage::WriteBatch& batch,
                     const CoalescedRows& buckets) {
  for (const auto& [key, value] : buckets) Write(m.buckets(), batch, key, value);
}

}  // namespace ozone::om
