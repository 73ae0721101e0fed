// What an OM request sees in its two phases (Ozone's OMClientRequest.preExecute(om) and
// validateAndUpdateCache(om, context)):
//   OmPreExecuteContext  leader only, before the request is logged: the clock, SCM, the current
//                        state (reads) and the options. Non-deterministic work happens here.
//   OmApplyContext       every replica, deterministic: the entry's index (epoch of cache
//                        changes, updateID, object ids) and its leader time, the state to check
//                        and change, the options.
//
// Thread-safety: plain structs; their pointers outlive the call.
#pragma once

#include <cstdint>

#include "common/clock.h"
#include "om/metadata/om_metadata_manager.h"
#include "om/om_options.h"
#include "om/request/unique_id_generator.h"
#include "om/scm/scm_block_client.h"

namespace ozone::om {

struct OmPreExecuteContext {
  const OmOptions* options = nullptr;
  ScmBlockClient* scm = nullptr;
  // The current state, for PreExecute's reads (e.g. a bucket's default replication). Read under
  // the metadata's ReadLock.
  const OmMetadataManager* metadata = nullptr;
  // The leader's wall clock for this request (ms since the epoch): the modification time.
  uint64_t now_millis = 0;
  // Ids of open keys (clientID).
  UniqueIdGenerator* ids = nullptr;
  // False on a thread that must not wait (a gRPC callback): blocks come only from what the SCM
  // client has at hand; if that is not enough, *would_block is set and PreExecute's answer is to
  // be ignored (the flow runs the request again on a thread that may wait).
  bool may_block = true;
  bool* would_block = nullptr;
};

struct OmApplyContext {
  // The log index of the entry: the epoch of its cache changes and the updateID of what it
  // changes; object ids derive from it (ObjectIdFromIndex).
  uint64_t index = 0;
  // OMLogEntry.leaderTimeMillis.
  uint64_t leader_time_millis = 0;
  OmMetadataManager* metadata = nullptr;
  const OmOptions* options = nullptr;
};

// Ozone's OmUtils.getObjectIdFromTxId with the HA epoch: (2 << 62) | (index << 8), leaving 256
// ids per transaction (`n` picks one).
inline uint64_t ObjectIdFromIndex(uint64_t index, uint64_t n = 0) {
  return (2ull << 62) | (index << 8) | (n & 0xff);
}

}  // namespace ozone::om
