// Removing and renaming keys (Ozone's OMKeyDeleteRequest, OMKeyRenameRequest,
// OMOpenKeysDeleteRequest, OMKeyPurgeRequest):
//
//   KeyDeleteRequest      Apply: VOLUME_NOT_FOUND, BUCKET_NOT_FOUND, KEY_NOT_FOUND; the key
//                         leaves keyTable, its blocks (if any) go to deletedTable
//                         ("/vol/bucket/key/<objectID>") for the KeyDeletingService; the
//                         bucket's usedBytes and usedNamespace shrink.
//   KeyRenameRequest      PreExecute: INVALID_KEY_NAME for the new name. Apply: KEY_NOT_FOUND,
//                         KEY_ALREADY_EXISTS (the new name is taken); renaming to the same name
//                         changes nothing.
//   OpenKeysDeleteRequest (OpenKeyCleanupService) Apply: each named open key that still exists
//                         leaves openKeyTable, its blocks go to deletedTable; others are skipped.
//   KeyPurgeRequest       (KeyDeletingService) Apply: the named deletedTable rows go.
//
// Thread-safety: as OmClientRequest.
#pragma once

#include "om/request/om_client_request.h"

namespace ozone::om {

class KeyDeleteRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class KeyRenameRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  std::optional<OMResponse> PreExecute(const OmPreExecuteContext& ctx) override;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class OpenKeysDeleteRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

class KeyPurgeRequest : public OmClientRequest {
 public:
  using OmClientRequest::OmClientRequest;
  Result<std::unique_ptr<OmClientResponse>> ValidateAndUpdateCache(
      const OmApplyContext& ctx) override;
};

}  // namespace ozone::om
