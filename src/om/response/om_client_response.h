// OmClientResponse: what applying one OM write produced (Ozone's OMClientResponse): the
// OMResponse for the client and the row changes of om.db it implies. The same changes go into the
// table caches at apply time (UpdateCache, epoch = the entry's index) and into the double
// buffer's batch (AddToBatch), so readers and the database see exactly the same thing. A
// response whose status is not OK carries no changes: a failed request changes nothing.
//
// (Ozone has one response class per operation, each with its own addToDBBatch; every one of
// them is "put these rows, delete those", which is what this class records, so the operations
// share it.)
//
// Thread-safety: not thread-safe; built and consumed on the apply side.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "om.pb.h"
#include "om/metadata/om_metadata_manager.h"
#include "storage/write_batch.h"

namespace ozone::om {

enum class OmTable : uint8_t { kVolume, kBucket, kKey, kOpenKey, kDeleted };

// Rows of one table whose last value only is written, once per commit: key -> value (null:
// delete). Ordered, so the batch is the same on every replica.
using CoalescedRows = std::map<std::string, std::shared_ptr<const google::protobuf::Message>>;

class OmClientResponse {
 public:
  explicit OmClientResponse(OMResponse response) : response_(std::move(response)) {}

  const OMResponse& response() const { return response_; }
  OMResponse& mutable_response() { return response_; }
  bool ok() const { return response_.status() == OK; }

  // Row changes, in order (a later change of the same row wins).
  void PutVolume(std::string key, VolumeInfo value);
  void PutBucket(std::string key, BucketInfo value);
  void PutKey(std::string key, KeyInfo value);
  void PutOpenKey(std::string key, KeyInfo value);
  void PutDeleted(std::string key, RepeatedKeyInfo value);
  void Delete(OmTable table, std::string key);
  size_t changes() const { return changes_.size(); }

  // The changes into the table caches, as made by the entry at `epoch`.
  void UpdateCache(OmMetadataManager& metadata, uint64_t epoch) const;
  // The changes as rows of `batch`.
  // Bucket rows go to `buckets` instead, for WriteBucketRows to write each bucket's last value
  // once per commit (every key commit rewrites its bucket's usage).
  void AddToBatch(const OmMetadataManager& metadata, storage::WriteBatch& batch,
                  CoalescedRows& buckets) const;

 private:
  struct Change {
    OmTable table;
    std::string key;
    std::shared_ptr<const google::protobuf::Message> value;  // null: delete
  };
  OMResponse response_;
  std::vector<Change> changes_;
};

// Writes the bucket rows AddToBatch coalesced into `buckets`.
void WriteBucketRows(const OmMetadataManager& metadata, storage::WriteBatch& batch,
                     const CoalescedRows& buckets);

}  // namespace ozone::om
