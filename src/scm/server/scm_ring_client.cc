#include "scm/server/scm_ring_client.h"

#include <google/protobuf/descriptor.h>

#include <thread>

namespace ozone::scm {

namespace {

const google::protobuf::MethodDescriptor* BlockMethod(const char* name) {
  return ScmRaftRequest::descriptor()
      ->file()
      ->FindServiceByName("ScmBlockLocationProtocol")
      ->FindMethodByName(name);
}

Status ErrorStatus(const ScmError& e) {
  std::string m = ScmResultCode_Name(e.code());
  if (!e.message().empty()) m += " " + e.message();
  if (e.code() == CLUSTER_ID_MISMATCH || e.code() == INVALID_ARGUMENT) {
    return Status::InvalidArgument(m);
  }
  return Status::FailedPrecondition(m);
}

}  // namespace

ScmRingClient::ScmRingClient(const std::vector<topology::ScmNodeDetails>& peers,
                             std::chrono::milliseconds retry_interval)
    : retry_interval_(retry_interval) {
  std::vector<rpc::RpcEndpoint> endpoints;
  for (const auto& p : peers) {
    endpoints.push_back({p.node_id, p.block_client_address.ToString()});
    if (!names_.empty()) names_ += ", ";
    names_ += p.node_id + " (" + p.block_client_address.ToString() + ")";
  }
  rpc::FailoverOptions o;
  // One round over the peers per attempt; CallUntil paces the rounds.
  o.max_failovers = static_cast<int>(2 * endpoints.size());
  o.retry_interval = retry_interval;
  o.rpc_timeout = std::chrono::seconds(30);
  client_ = std::make_unique<rpc::FailoverClient>(std::move(endpoints), o);
}

template <typename Response>
Result<Response> ScmRingClient::CallUntil(const char* method,
                                          const google::protobuf::Message& request,
                                          std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  Status last;
  while (true) {
    Response response;
    last = client_->Call(BlockMethod(method), request, &response);
    if (last.ok()) {
      if (response.has_error()) return ErrorStatus(response.error());
      return response;
    }
    bool retriable = last.IsUnavailable() || last.IsNotLeader() || last.IsTimeout() ||
                     last.IsAborted() || last.IsBusy();
    if (!retriable) return last;
    if (std::chrono::steady_clock::now() + retry_interval_ > deadline) break;
    std::this_thread::sleep_for(retry_interval_);
  }
  return Status::Unavailable("no leader SCM answered among " + names_ + " within " +
                             std::to_string(wait.count()) + " ms (" + last.ToString() + ")");
}

Result<GetScmInfoResponse> ScmRingClient::GetScmInfo(std::chrono::milliseconds wait) {
  return CallUntil<GetScmInfoResponse>("GetScmInfo", GetScmInfoRequest(), wait);
}

Status ScmRingClient::AddScm(const AddScmRequest& request, std::chrono::milliseconds wait) {
  OZ_ASSIGN_OR_RETURN(AddScmResponse r, CallUntil<AddScmResponse>("AddScm", request, wait));
  if (!r.success()) return Status::FailedPrecondition("FAILED_TO_ADD_SCM the leader refused");
  return Status::OK();
}

}  // namespace ozone::scm
