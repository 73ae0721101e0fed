// OmExecutionFlow: how an OMRequest is served on this node (Ozone's OMExecutionFlow and the
// write path of OzoneManagerProtocolServerSideTranslatorPB); the OM server's gRPC handler calls
// Submit once it has checked that this node is the ready leader (src/rpc's NotLeader reply
// otherwise).
//
//   read  (InfoVolume, ListKeys, ...): OmMetadataReader, from the table caches and om.db.
//   write: 1. a retried write (same clientId and callId) already applied -> its response;
//          2. the request object's PreExecute (names, modification time from the clock, object
//             ids, blocks from SCM): a refusal is answered at once, nothing is logged;
//          3. the request is wrapped in an OMLogEntry (version, leader time) and submitted to
//             the Replicator (HaNode; ha::testing::LogReplicator in tests);
//          4. the response the apply handler produced on this node is returned: the client is
//             answered once its entry is applied (committed by a majority), before the double
//             buffer flushes it.
//
// Errors (Status, not responses): NotLeader / Aborted / Timeout from the replicator (the client
// fails over and retries with the same callId); Unavailable while a checkpoint is installed.
// Domain failures are OMResponses with Ozone's codes.
//
// Thread-safety: Submit may be called from any thread, concurrently.
#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "ha/replicator.h"
#include "om.pb.h"
#include "om/ha/retry_cache.h"
#include "om/metadata/om_metadata_manager.h"
#include "om/om_options.h"
#include "om/read/om_metadata_reader.h"
#include "om/request/unique_id_generator.h"
#include "om/scm/scm_block_client.h"

namespace ozone::om {

class OmExecutionFlow {
 public:
  // Every pointer must outlive the flow. `scm` may be null (key writes then fail with
  // INTERNAL_ERROR).
  OmExecutionFlow(const OmOptions* options, ha::Replicator* replicator,
                  const OmMetadataManager* metadata, const RetryCache* retry_cache,
                  ScmBlockClient* scm, const Clock* clock = &Clock::Real());

  Result<OMResponse> Submit(OMRequest request);

  // The two paths, for callers that know which one they want.
  Result<OMResponse> Read(const OMRequest& request) const;
  Result<OMResponse> Write(OMRequest request);

 private:
  const OmOptions* options_;
  ha::Replicator* replicator_;
  const OmMetadataManager* metadata_;
  const RetryCache* retry_cache_;
  ScmBlockClient* scm_;
  const Clock* clock_;
  OmMetadataReader reader_;
  UniqueIdGenerator ids_;
};

}  // namespace ozone::om
