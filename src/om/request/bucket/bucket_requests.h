// The bucket writes (Ozone's om/request/bucket): create, delete, set property (quota, owner,
// versioning, default replication).
//
//   BucketCreateRequest       PreExecute: INVALID_BUCKET_NAME; INVALID_REQUEST for a bad
//                             replication config; QUOTA_ERROR; creation/modification time.
//                             Apply: VOLUME_NOT_FOUND, BUCKET_ALREADY_EXISTS, QUOTA_EXCEEDED
//                             (the volume's namespace quota counts buckets; the buckets' space
//                             quotas may not add up past the volume's); the volume's
//                             usedNamespace grows by one.
//   BucketDeleteRequest       Apply: VOLUME_NOT_FOUND, BUCKET_NOT_FOUND, BUCKET_NOT_EMPTY (keys
//                             in keyTable, cache included); usedNamespace of the volume shrinks.
//   BucketSetPropertyRequest  PreExecute: QUOTA_ERROR, INVALID_REQUEST (replication).
//                             Apply: BUCKET_NOT_FOUND; QUOTA_ERROR when the new quota is below
//                             what is used; QUOTA_EXCEEDED against the volume's quota.
//
// Thread-safety: as OmClientRequest.
#pragma once

#include "om/request/om_client_request.h"

namespace ozone::om {

class BucketCreateRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class BucketDeleteRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class BucketSetPropertyRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

}  // namespace ozone::om
