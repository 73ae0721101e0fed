#include "client/om_client.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "common/config/ozone_keys.h"
#include "common/topology/ha_nodes.h"
#include "common/uuid.h"

namespace ozone::client {

namespace keys = config::keys;

namespace {

// The calls of all threads of a client to one OM share one stream of it.
const google::protobuf::MethodDescriptor* SubmitStreamMethod() {
  static const auto* m = om::OMRequest::descriptor()
                             ->file()
                             ->FindServiceByName("OzoneManagerService")
                             ->FindMethodByName("SubmitStream");
  return m;
}

std::string CurrentUser() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  return std::to_string(::geteuid());
}

bool IsWrite(om::Type type) {
  switch (type) {
    case om::InfoVolume:
    case om::ListVolume:
    case om::InfoBucket:
    case om::ListBuckets:
    case om::LookupKey:
    case om::GetKeyInfo:
    case om::ListKeys:
    case om::ServiceList:
    case om::GetServiceConfiguration:
      return false;
    default:
      return true;
  }
}

}  // namespace

Result<rpc::FailoverOptions> OmFailoverOptions(const config::Configuration& conf) {
  rpc::FailoverOptions o;
  OZ_ASSIGN_OR_RETURN(o.max_failovers, conf.GetInt(keys::kOmClientFailoverMaxAttempts));
  OZ_ASSIGN_OR_RETURN(auto wait, conf.GetDuration(keys::kOmClientWaitBetweenRetries,
                                                  config::TimeUnit::kMilliseconds));
  o.retry_interval = std::chrono::duration_cast<std::chrono::milliseconds>(wait);
  OZ_ASSIGN_OR_RETURN(auto timeout,
                      conf.GetDuration(keys::kOmClientRpcTimeout, config::TimeUnit::kMilliseconds));
  o.rpc_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  if (o.max_failovers < 0) o.max_failovers = 0;
  OZ_ASSIGN_OR_RETURN(o.framed, conf.GetBool(keys::kOmClientFramedCalls));
  return o;
}

Status StatusOfOmResponse(const om::OMResponse& response) {
  if (response.status() == om::OK) return Status::OK();
  const std::string code = om::Status_Name(response.status());
  std::string m = response.message();
  if (m.compare(0, code.size(), code) != 0) m = m.empty() ? code : code + " " + m;
  switch (response.status()) {
    case om::VOLUME_NOT_FOUND:
    case om::BUCKET_NOT_FOUND:
    case om::KEY_NOT_FOUND:
    case om::USER_NOT_FOUND:
      return Status::NotFound(m);
    case om::VOLUME_ALREADY_EXISTS:
    case om::BUCKET_ALREADY_EXISTS:
    case om::KEY_ALREADY_EXISTS:
      return Status::AlreadyExists(m);
    case om::INVALID_KEY_NAME:
    case om::INVALID_BUCKET_NAME:
    case om::INVALID_VOLUME_NAME:
    case om::INVALID_REQUEST:
      return Status::InvalidArgument(m);
    case om::VOLUME_NOT_EMPTY:
    case om::BUCKET_NOT_EMPTY:
    case om::DIRECTORY_NOT_EMPTY:
    case om::QUOTA_EXCEEDED:
    case om::QUOTA_ERROR:
    case om::SCM_IN_SAFE_MODE:
    case om::TOO_MANY_BUCKETS:
    case om::USER_TOO_MANY_VOLUMES:
      return Status::FailedPrecondition(m);
    case om::NOT_SUPPORTED_OPERATION:
    case om::NOT_SUPPORTED_OPERATION_WHEN_PREPARED:
      return Status::NotSupported(m);
    case om::TIMEOUT:
      return Status::Timeout(m);
    case om::OM_NOT_LEADER:
      return Status::NotLeader(m);
    case om::OM_LEADER_NOT_READY:
      return Status::Busy(m);
    default:
      return Status::Internal(m);
  }
}

Result<std::unique_ptr<OmClient>> OmClient::Create(const config::Configuration& conf,
                                                   OmClientOptions options) {
  std::unique_ptr<OmClient> c(new OmClient());
  if (options.address) {
    OZ_ASSIGN_OR_RETURN(auto hp, net::ParseHostPort(*options.address, 9862));
    c->nodes_.push_back(Node{"", hp.ToString()});
  } else {
    std::optional<std::string> svc = options.service_id;
    if (!svc) {
      OZ_ASSIGN_OR_RETURN(svc, topology::LocalOmServiceId(conf));
    }
    std::vector<topology::OmNodeDetails> details;
    if (svc) {
      auto ids = topology::OmServiceIds(conf);
      if (std::find(ids.begin(), ids.end(), *svc) == ids.end()) {
        return Status::InvalidArgument("Service ID specified does not match with " +
                                       std::string(keys::kOmServiceIds.name) +
                                       " defined in the configuration. Configured " +
                                       std::string(keys::kOmServiceIds.name) + " are [" +
                                       conf.GetString(keys::kOmServiceIds) + "]");
      }
      OZ_ASSIGN_OR_RETURN(details, topology::ActiveNonListenerOmNodes(conf, *svc));
      c->service_id_ = *svc;
    } else {
      OZ_ASSIGN_OR_RETURN(details, topology::AllOmNodes(conf));
    }
    for (const auto& d : details) c->nodes_.push_back(Node{d.node_id, d.rpc_address.ToString()});
  }
  if (c->nodes_.empty()) return Status::InvalidArgument("no OM configured");

  rpc::FailoverOptions fo;
  if (options.failover) {
    fo = *options.failover;
  } else {
    OZ_ASSIGN_OR_RETURN(fo, OmFailoverOptions(conf));
  }
  if (options.on_retry) fo.on_retry = options.on_retry;
  std::vector<rpc::RpcEndpoint> endpoints;
  for (const Node& n : c->nodes_) endpoints.push_back({n.node_id, n.address});
  c->rpc_ = std::make_unique<rpc::FailoverClient>(std::move(endpoints), fo);
  c->client_id_ = Uuid::Random().ToString();
  c->user_name_ = options.user_name.value_or(CurrentUser());
  return c;
}

OmClient::~OmClient() = default;

const OmClient::Node& OmClient::current_node() const { return nodes_[rpc_->current()]; }

void OmClient::Stamp(om::OMRequest& request) {
  request.set_clientid(client_id_);
  if (IsWrite(request.cmdtype())) {
    request.set_callid(next_call_id_.fetch_add(1, std::memory_order_relaxed));
  }
  if (!request.userinfo().has_username()) request.mutable_userinfo()->set_username(user_name_);
}

Result<om::OMResponse> OmClient::Submit(om::OMRequest request) {
  Stamp(request);
  om::OMResponse response;
  OZ_RETURN_IF_ERROR(rpc_->CallStreamed(SubmitStreamMethod(), request, &response));
  OZ_RETURN_IF_ERROR(StatusOfOmResponse(response));
  return response;
}

Result<om::OMResponse> OmClient::SubmitTo(size_t node_index, om::OMRequest request) {
  if (node_index >= nodes_.size()) return Status::InvalidArgument("no such OM");
  Stamp(request);
  om::OMResponse response;
  rpc::CallOutcome r =
      rpc_->CallEndpointStreamed(node_index, SubmitStreamMethod(), request, &response);
  OZ_RETURN_IF_ERROR(r.status);
  OZ_RETURN_IF_ERROR(StatusOfOmResponse(response));
  return response;
}

Status OmClient::CreateVolume(const om::VolumeInfo& volume) {
  om::OMRequest r;
  r.set_cmdtype(om::CreateVolume);
  *r.mutable_createvolumerequest()->mutable_volumeinfo() = volume;
  return Submit(std::move(r)).status();
}

Result<om::VolumeInfo> OmClient::InfoVolume(const std::string& volume) {
  om::OMRequest r;
  r.set_cmdtype(om::InfoVolume);
  r.mutable_infovolumerequest()->set_volumename(volume);
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  return resp.infovolumeresponse().volumeinfo();
}

Status OmClient::SetVolumeProperty(const om::SetVolumePropertyRequest& request) {
  om::OMRequest r;
  r.set_cmdtype(om::SetVolumeProperty);
  *r.mutable_setvolumepropertyrequest() = request;
  return Submit(std::move(r)).status();
}

Status OmClient::DeleteVolume(const std::string& volume) {
  om::OMRequest r;
  r.set_cmdtype(om::DeleteVolume);
  r.mutable_deletevolumerequest()->set_volumename(volume);
  return Submit(std::move(r)).status();
}

Result<std::vector<om::VolumeInfo>> OmClient::ListVolumes(const om::ListVolumeRequest& request) {
  om::OMRequest r;
  r.set_cmdtype(om::ListVolume);
  *r.mutable_listvolumerequest() = request;
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  const auto& v = resp.listvolumeresponse().volumeinfo();
  return std::vector<om::VolumeInfo>(v.begin(), v.end());
}

Status OmClient::CreateBucket(const om::BucketInfo& bucket) {
  om::OMRequest r;
  r.set_cmdtype(om::CreateBucket);
  *r.mutable_createbucketrequest()->mutable_bucketinfo() = bucket;
  return Submit(std::move(r)).status();
}

Result<om::BucketInfo> OmClient::InfoBucket(const std::string& volume, const std::string& bucket) {
  om::OMRequest r;
  r.set_cmdtype(om::InfoBucket);
  r.mutable_infobucketrequest()->set_volumename(volume);
  r.mutable_infobucketrequest()->set_bucketname(bucket);
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  return resp.infobucketresponse().bucketinfo();
}

Status OmClient::SetBucketProperty(const om::BucketArgs& args) {
  om::OMRequest r;
  r.set_cmdtype(om::SetBucketProperty);
  *r.mutable_setbucketpropertyrequest()->mutable_bucketargs() = args;
  return Submit(std::move(r)).status();
}

Status OmClient::DeleteBucket(const std::string& volume, const std::string& bucket) {
  om::OMRequest r;
  r.set_cmdtype(om::DeleteBucket);
  r.mutable_deletebucketrequest()->set_volumename(volume);
  r.mutable_deletebucketrequest()->set_bucketname(bucket);
  return Submit(std::move(r)).status();
}

Result<std::vector<om::BucketInfo>> OmClient::ListBuckets(const om::ListBucketsRequest& request) {
  om::OMRequest r;
  r.set_cmdtype(om::ListBuckets);
  *r.mutable_listbucketsrequest() = request;
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  const auto& v = resp.listbucketsresponse().bucketinfo();
  return std::vector<om::BucketInfo>(v.begin(), v.end());
}

Result<om::CreateKeyResponse> OmClient::OpenKey(const om::KeyArgs& args) {
  om::OMRequest r;
  r.set_cmdtype(om::CreateKey);
  *r.mutable_createkeyrequest()->mutable_keyargs() = args;
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  return resp.createkeyresponse();
}

Status OmClient::CommitKey(const om::KeyArgs& args, uint64_t client_id) {
  om::OMRequest r;
  r.set_cmdtype(om::CommitKey);
  *r.mutable_commitkeyrequest()->mutable_keyargs() = args;
  r.mutable_commitkeyrequest()->set_clientid(client_id);
  return Submit(std::move(r)).status();
}

Result<om::KeyLocation> OmClient::AllocateBlock(const om::KeyArgs& args, uint64_t client_id) {
  om::OMRequest r;
  r.set_cmdtype(om::AllocateBlock);
  *r.mutable_allocateblockrequest()->mutable_keyargs() = args;
  r.mutable_allocateblockrequest()->set_clientid(client_id);
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  return resp.allocateblockresponse().keylocation();
}

Result<om::KeyInfo> OmClient::LookupKey(const om::KeyArgs& args) {
  om::OMRequest r;
  r.set_cmdtype(om::LookupKey);
  *r.mutable_lookupkeyrequest()->mutable_keyargs() = args;
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  return resp.lookupkeyresponse().keyinfo();
}

Status OmClient::DeleteKey(const om::KeyArgs& args) {
  om::OMRequest r;
  r.set_cmdtype(om::DeleteKey);
  *r.mutable_deletekeyrequest()->mutable_keyargs() = args;
  return Submit(std::move(r)).status();
}

Status OmClient::RenameKey(const om::KeyArgs& args, const std::string& to_key_name) {
  om::OMRequest r;
  r.set_cmdtype(om::RenameKey);
  *r.mutable_renamekeyrequest()->mutable_keyargs() = args;
  r.mutable_renamekeyrequest()->set_tokeyname(to_key_name);
  return Submit(std::move(r)).status();
}

Result<om::ListKeysResponse> OmClient::ListKeys(const om::ListKeysRequest& request) {
  om::OMRequest r;
  r.set_cmdtype(om::ListKeys);
  *r.mutable_listkeysrequest() = request;
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  return resp.listkeysresponse();
}

Result<om::ServiceListResponse> OmClient::ServiceList() {
  om::OMRequest r;
  r.set_cmdtype(om::ServiceList);
  r.mutable_servicelistrequest();
  OZ_ASSIGN_OR_RETURN(om::OMResponse resp, Submit(std::move(r)));
  return resp.servicelistresponse();
}

}  // namespace ozone::client
