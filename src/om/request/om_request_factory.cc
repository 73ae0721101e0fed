#include "om/request/om_request_factory.h"

#include "om/request/bucket/bucket_requests.h"
#include "om/request/key/key_delete_requests.h"
#include "om/request/key/key_write_requests.h"
#include "om/request/volume/volume_requests.h"

namespace ozone::om {

namespace {

template <typename R>
std::variant<std::unique_ptr<OmClientRequest>, OmFailure> Make(OMRequest request, bool present) {
  if (!present) {
    return OmFailure{INVALID_REQUEST,
                     "Malformed request: no payload for " + Type_Name(request.cmdtype())};
  }
  return std::unique_ptr<OmClientRequest>(std::make_unique<R>(std::move(request)));
}

}  // namespace

bool IsReadCommand(Type type) {
  switch (type) {
    case InfoVolume:
    case ListVolume:
    case InfoBucket:
    case ListBuckets:
    case LookupKey:
    case ListKeys:
    case GetKeyInfo:
    case GetServiceConfiguration:
    case PrepareStatus:
      return true;
    default:
      return false;
  }
}

bool IsServerCommand(Type type) { return type == ServiceList || type == TransferLeadership; }

bool PreExecuteCallsScm(Type type) { return type == CreateKey || type == AllocateBlock; }

std::variant<std::unique_ptr<OmClientRequest>, OmFailure> CreateWriteRequest(OMRequest request) {
  switch (request.cmdtype()) {
    case CreateVolume: {
      bool ok = request.has_createvolumerequest();
      return Make<VolumeCreateRequest>(std::move(request), ok);
    }
    case DeleteVolume: {
      bool ok = request.has_deletevolumerequest();
      return Make<VolumeDeleteRequest>(std::move(request), ok);
    }
    case SetVolumeProperty: {
      const auto& r = request.setvolumepropertyrequest();
      bool ok = request.has_setvolumepropertyrequest();
      if (ok && r.has_ownername()) return Make<VolumeSetOwnerRequest>(std::move(request), true);
      bool quota = ok && (r.has_quotainbytes() || r.has_quotainnamespace());
      return Make<VolumeSetQuotaRequest>(std::move(request), quota);
    }
    case CreateBucket: {
      bool ok = request.has_createbucketrequest();
      return Make<BucketCreateRequest>(std::move(request), ok);
    }
    case DeleteBucket: {
      bool ok = request.has_deletebucketrequest();
      return Make<BucketDeleteRequest>(std::move(request), ok);
    }
    case SetBucketProperty: {
      bool ok = request.setbucketpropertyrequest().has_bucketargs();
      return Make<BucketSetPropertyRequest>(std::move(request), ok);
    }
    case CreateKey: {
      bool ok = request.has_createkeyrequest();
      return Make<KeyCreateRequest>(std::move(request), ok);
    }
    case AllocateBlock: {
      bool ok = request.has_allocateblockrequest();
      return Make<KeyAllocateBlockRequest>(std::move(request), ok);
    }
    case CommitKey: {
      bool ok = request.has_commitkeyrequest();
      return Make<KeyCommitRequest>(std::move(request), ok);
    }
    case DeleteKey: {
      bool ok = request.has_deletekeyrequest();
      return Make<KeyDeleteRequest>(std::move(request), ok);
    }
    case RenameKey: {
      bool ok = request.has_renamekeyrequest();
      return Make<KeyRenameRequest>(std::move(request), ok);
    }
    case DeleteOpenKeys: {
      bool ok = request.has_deleteopenkeysrequest();
      return Make<OpenKeysDeleteRequest>(std::move(request), ok);
    }
    case PurgeKeys: {
      bool ok = request.has_purgekeysrequest();
      return Make<KeyPurgeRequest>(std::move(request), ok);
    }
    default:
      return OmFailure{INVALID_REQUEST,
                       "Unsupported write request: " + Type_Name(request.cmdtype())};
  }
}

}  // namespace ozone::om
