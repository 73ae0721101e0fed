// Helpers shared by the key requests: finding the volume and bucket of a key (with Ozone's
// failures), the replication a new key gets, block allocation from SCM in PreExecute, and the
// space a key takes in its bucket's quota.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "common/result.h"
#include "om.pb.h"
#include "om/request/om_request_context.h"

namespace ozone::om {

// A domain failure (code and message) found while checking a request.
struct OmFailure {
  Status code;
  std::string message;
};

// The bucket of volume/bucket, or VOLUME_NOT_FOUND / BUCKET_NOT_FOUND.
Result<std::variant<std::shared_ptr<const BucketInfo>, OmFailure>> FindBucket(
    const OmMetadataManager& metadata, const std::string& volume, const std::string& bucket);

// The replication of a new key: what the request names, else the bucket's default, else the
// options' default. Sets type/factor/ecReplicationConfig of `args`.
void ResolveReplication(KeyArgs& args, const BucketInfo* bucket, const OmOptions& options);
DefaultReplicationConfig ReplicationOfArgs(const KeyArgs& args);

// Allocates `count` blocks for `args` from SCM as key locations of scm_block_size each;
// SCM_IN_SAFE_MODE or INTERNAL_ERROR as failures.
std::variant<std::vector<KeyLocation>, OmFailure> AllocateKeyLocations(
    const OmPreExecuteContext& ctx, const KeyArgs& args, uint32_t count,
    const ExcludeList& exclude);

// The bytes a key of `size` takes in its bucket's quota (size times the replicas).
int64_t QuotaBytes(const KeyInfo& key);
// Whether a key holds blocks (a key without any goes nowhere when deleted).
bool HasBlocks(const KeyInfo& key);
// A copy of `key` without its block lists (keyLocationList), for a commit that replaces them: the
// blocks, with their pipelines and datanodes, are most of a key's bytes.
KeyInfo CopyWithoutBlocks(const KeyInfo& key);
// A copy of `location` without its pipeline. Open keys are stored so (as Ozone's key tables store
// key locations without pipelines): the pipeline, with its datanodes and their ports, is most of a
// location's bytes, and only the answers to the open and to AllocateBlock need it.
KeyLocation LocationWithoutPipeline(const KeyLocation& location);
// `key`'s copy for the open-key table: CopyWithoutBlocks, and its block lists with every location
// LocationWithoutPipeline.
KeyInfo OpenKeyRow(const KeyInfo& key);

}  // namespace ozone::om
