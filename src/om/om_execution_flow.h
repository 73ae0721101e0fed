// OmExecutionFlow: how an OMRequest is served on this node (Ozone's OMExecutionFlow and the
// write path of OzoneManagerProtocolServerSideTranslatorPB); the OM server's gRPC handler calls
// Submit once it has checked that this node is the ready leader (src/rpc's NotLeader reply
// otherwise).
//
//   read  (InfoVolume, ListKeys, ...): OmMetadataReader, from the table caches and om.db;
//         PrepareStatus: this OM's OmPrepareState.
//   write: 1. a retried write (same clientId and callId) already applied -> its response;
//          1b. in prepare mode (OmPrepareState), anything but Prepare / CancelPrepare is refused
//             with NOT_SUPPORTED_OPERATION_WHEN_PREPARED; logging a Prepare closes that gate;
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
// SubmitAsync is the same flow without a thread waiting for the apply: a read and a refused write
// are answered on the caller's thread, a logged write from the replicator's callback. Only the
// PreExecute of CreateKey and AllocateBlock may block (PreExecuteCallsScm: an SCM round trip);
// SubmitAsyncWithoutWaiting serves them too when the SCM client has the blocks at hand (blocks
// allocated ahead), and leaves them to a thread that may wait otherwise.
//
// Thread-safety: Submit and SubmitAsync may be called from any thread, concurrently.
#pragma once

#include <functional>
#include <string>
#include <variant>

#include "common/clock.h"
#include "common/result.h"
#include "ha/replicator.h"
#include "om.pb.h"
#include "om/ha/om_prepare_state.h"
#include "om/ha/proposed_entries.h"
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
  // INTERNAL_ERROR). `proposed` (may be null) keeps each entry this flow proposes, for this OM's
  // apply handler.
  OmExecutionFlow(const OmOptions* options, ha::Replicator* replicator,
                  const OmMetadataManager* metadata, const RetryCache* retry_cache,
                  ScmBlockClient* scm, const Clock* clock = &Clock::Real(),
                  OmPrepareState* prepare = nullptr, ProposedEntries* proposed = nullptr);

  using SubmitCallback = std::function<void(Result<OMResponse>)>;

  Result<OMResponse> Submit(OMRequest request);
  // As Submit; `done` runs once, on this thread or the replicator's (it must not block).
  void SubmitAsync(OMRequest request, SubmitCallback done);
  // As SubmitAsync, for a thread that must not wait: returns false, with `request` and `done`
  // untouched, if the write's PreExecute would wait for SCM (then SubmitAsync it from a thread
  // that may wait).
  bool SubmitAsyncWithoutWaiting(OMRequest& request, SubmitCallback& done);

  // Whether a write of `type` would be logged now (false in prepare mode): the leader's
  // background services stay idle rather than do work whose write would be refused.
  bool Accepts(Type type) const { return prepare_ == nullptr || prepare_->RequestAllowed(type); }

  // The two paths, for callers that know which one they want.
  Result<OMResponse> Read(const OMRequest& request) const;
  Result<OMResponse> Write(OMRequest request);

 private:
  // PreExecute would have waited for SCM (PrepareWrite with may_block false).
  struct WouldBlock {};
  using Prepared = std::variant<Result<OMResponse>, std::string, WouldBlock>;
  // A write up to the replicator: the answer already (retry cache, refusal) or the encoded
  // OMLogEntry to submit.
  Prepared PrepareWrite(OMRequest request, bool may_block = true);
  // Answers or submits what PrepareWrite gave (not WouldBlock).
  void SubmitOrAnswer(Type type, Prepared prepared, SubmitCallback done);
  // Submits a prepared write; `done` gets the applied response.
  void SubmitPrepared(Type type, std::string entry, SubmitCallback done);
  static Result<OMResponse> ParseApplied(Result<std::string> applied);

  const OmOptions* options_;
  ha::Replicator* replicator_;
  const OmMetadataManager* metadata_;
  const RetryCache* retry_cache_;
  ScmBlockClient* scm_;
  const Clock* clock_;
  OmPrepareState* prepare_;  // null: no prepare gate
  ProposedEntries* proposed_;  // null: entries are not kept
  OmMetadataReader reader_;
  UniqueIdGenerator ids_;
};

}  // namespace ozone::om
