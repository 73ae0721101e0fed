// The volume writes (Ozone's om/request/volume): create, delete, set owner and set quota (the
// last two share Ozone's SetVolumeProperty request, told apart by the field they set).
//
//   VolumeCreateRequest     PreExecute: INVALID_VOLUME_NAME; creation and modification time.
//                           Apply: VOLUME_ALREADY_EXISTS; objectID/updateID from the index;
//                           quotas default to -1 (none).
//   VolumeDeleteRequest     Apply: VOLUME_NOT_FOUND, VOLUME_NOT_EMPTY (it has buckets).
//   VolumeSetOwnerRequest   Apply: VOLUME_NOT_FOUND; the same owner again answers OK with
//                           response=false and changes nothing.
//   VolumeSetQuotaRequest   PreExecute: QUOTA_ERROR for 0 or a negative other than -1 (clear).
//                           Apply: VOLUME_NOT_FOUND; QUOTA_EXCEEDED when the buckets' quotas
//                           add up to more than the new space quota, or more buckets exist
//                           than the new namespace quota allows.
//
// Thread-safety: as OmClientRequest.
#pragma once

#include "om/request/om_client_request.h"

namespace ozone::om {

class VolumeCreateRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class VolumeDeleteRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class VolumeSetOwnerRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class VolumeSetQuotaRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

}  // namespace ozone::om
