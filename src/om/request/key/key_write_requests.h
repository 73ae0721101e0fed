// Writing a key (Ozone's OMKeyCreateRequest, OMAllocateBlockRequest, OMKeyCommitRequest):
//
//   KeyCreateRequest         PreExecute: INVALID_KEY_NAME; VOLUME_NOT_FOUND / BUCKET_NOT_FOUND
//                            (early, so no block is wasted); resolves the replication (request,
//                            bucket default, ozone.replication); allocates
//                            min(ozone.key.preallocation.max.blocks, ceil(size / block size))
//                            blocks from SCM (one for an empty key); sets the open key's
//                            clientID and the modification time.
//                            Apply: VOLUME_NOT_FOUND, BUCKET_NOT_FOUND; QUOTA_EXCEEDED when the
//                            preallocated space (blocks x block size x replicas) or, for a new
//                            name, the namespace passes the bucket's quota; puts the open key
//                            into openKeyTable ("/vol/bucket/key/<clientID>").
//   KeyAllocateBlockRequest  PreExecute: KEY_NOT_FOUND for an unknown open key; one block from
//                            SCM (request's exclude list). Apply: KEY_NOT_FOUND, QUOTA_EXCEEDED;
//                            appends the block to the open key.
//   KeyCommitRequest         PreExecute: INVALID_KEY_NAME; modification time.
//                            Apply: BUCKET_NOT_FOUND; KEY_NOT_FOUND for a missing open key;
//                            QUOTA_EXCEEDED; moves the open key to keyTable with the committed
//                            size and blocks; an overwritten key's blocks go to deletedTable;
//                            the bucket's usedBytes (size x replicas) and usedNamespace follow.
//
// Thread-safety: as OmClientRequest.
#pragma once

#include "om/request/om_client_request.h"

namespace ozone::om {

class KeyCreateRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class KeyAllocateBlockRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class KeyCommitRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

}  // namespace ozone::om
