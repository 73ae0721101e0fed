// How the OM talks to SCM (OM must not see SCM's internals or generated SCM stubs; the OM server
// adapts client::ScmClient to these interfaces):
//   ScmBlockClient         allocates blocks for open keys (Ozone's ScmBlockLocationProtocol
//                          allocateBlock), called by PreExecute on the leader only.
//   ScmDeletedBlockClient  hands the blocks of deleted keys to SCM's deleted-block log (Ozone's
//                          deleteKeyBlocks), called by the KeyDeletingService on the leader.
//
// Thread-safety: implementations must allow calls from any thread, concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "hdds.pb.h"
#include "om.pb.h"

namespace ozone::om {

// A replication config as SCM allocates for it.
struct ReplicationConfig {
  hdds::ReplicationType type = hdds::RATIS;
  hdds::ReplicationFactor factor = hdds::THREE;  // RATIS / STAND_ALONE
  std::optional<hdds::ECReplicationConfig> ec;   // EC
};

struct AllocatedBlock {
  hdds::ContainerBlockID block_id;
  hdds::Pipeline pipeline;
};

class ScmBlockClient {
 public:
  virtual ~ScmBlockClient() = default;
  // `count` blocks of `block_size` bytes for `owner` (the OM's service id), avoiding `exclude`.
  // Errors: FailedPrecondition whose message starts with SAFE_MODE_EXCEPTION while SCM is in
  // safe mode; any other error as the SCM client returns it.
  virtual Result<std::vector<AllocatedBlock>> AllocateBlocks(uint64_t block_size, uint32_t count,
                                                             const ReplicationConfig& replication,
                                                             const std::string& owner,
                                                             const ExcludeList& exclude) = 0;
  // The same, only if it can be answered without waiting (blocks at hand); nullopt otherwise,
  // and nothing is taken. Default: never.
  virtual std::optional<std::vector<AllocatedBlock>> AllocateBlocksIfAtHand(
      uint64_t /*block_size*/, uint32_t /*count*/, const ReplicationConfig& /*replication*/,
      const std::string& /*owner*/, const ExcludeList& /*exclude*/) {
    return std::nullopt;
  }
};

// The blocks of one deleted key (Ozone's BlockGroup): `key` is its deletedTable key.
struct KeyBlockGroup {
  std::string key;
  std::vector<hdds::BlockID> blocks;
};

class ScmDeletedBlockClient {
 public:
  virtual ~ScmDeletedBlockClient() = default;
  // Records the blocks in SCM's deleted-block log; returns the keys SCM took (their deletedTable
  // rows may be purged).
  virtual Result<std::vector<std::string>> DeleteKeyBlocks(
      const std::vector<KeyBlockGroup>& groups) = 0;
};

}  // namespace ozone::om
