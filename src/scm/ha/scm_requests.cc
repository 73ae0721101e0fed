#include "scm/ha/scm_requests.h"

#include <string_view>

namespace ozone::scm {

Status ScmStatus(ScmResultCode code, const std::string& message) {
  if (code == SUCCEEDED) return Status::OK();
  std::string text = ScmResultCode_Name(code);
  if (!message.empty()) text += " " + message;
  switch (code) {
    case SUCCEEDED:
      return Status::OK();
    case FAILED_TO_FIND_CONTAINER:
    case FAILED_TO_FIND_PIPELINE:
    case FAILED_TO_FIND_SUITABLE_NODE:
    case FAILED_TO_FIND_HEALTHY_NODES:
    case FAILED_TO_FIND_NODE:
      return Status::NotFound(text);
    case CONTAINER_EXISTS:
    case DUPLICATED_PIPELINE_ID:
      return Status::AlreadyExists(text);
    case SAFE_MODE_EXCEPTION:
    case UNEXPECTED_CONTAINER_STATE:
    case INVALID_PIPELINE_STATE:
    case PERMISSION_DENIED:
    case CLUSTER_ID_MISMATCH:
    case FAILED_TO_ADD_SCM:
    case FAILED_TO_REMOVE_SCM:
      return Status::FailedPrecondition(text);
    case INVALID_CAPACITY:
    case INVALID_BLOCK_SIZE:
    case INVALID_ARGUMENT:
      return Status::InvalidArgument(text);
    case FAILED_TO_ALLOCATE_CONTAINER:
      return Status::Unavailable(text);
    case SCM_NOT_LEADER:
      return Status::NotLeader(text);
    case TIMEOUT:
      return Status::Timeout(text);
    case IO_EXCEPTION:
      return Status::IoError(text);
    case NOT_SUPPORTED_OPERATION:
      return Status::NotSupported(text);
    case INTERNAL_ERROR:
      return Status::Internal(text);
  }
  return Status::Internal(text);
}

namespace {

// The ScmResultCode named by the first word of `message`, if any.
std::optional<ScmResultCode> CodeInMessage(const std::string& message) {
  std::string_view word(message);
  word = word.substr(0, word.find(' '));
  ScmResultCode code;
  if (word.empty() || !ScmResultCode_Parse(std::string(word), &code)) return std::nullopt;
  return code;
}

}  // namespace

ScmResultCode ScmCodeOf(const Status& status) {
  if (status.ok()) return SUCCEEDED;
  if (auto code = CodeInMessage(status.message())) return *code;
  switch (status.code()) {
    case Status::Code::kNotLeader:
      return SCM_NOT_LEADER;
    case Status::Code::kTimeout:
      return TIMEOUT;
    case Status::Code::kIoError:
      return IO_EXCEPTION;
    default:
      return INTERNAL_ERROR;
  }
}

void ToScmError(const Status& status, ScmError* error) {
  ScmResultCode code = ScmCodeOf(status);
  error->set_code(code);
  std::string message = status.message();
  if (CodeInMessage(message)) {
    size_t space = message.find(' ');
    message = space == std::string::npos ? "" : message.substr(space + 1);
  }
  error->set_message(message);
}

Result<ScmRaftResponse> ScmRequests::Submit(const ScmRaftRequest& request) {
  if (!request.IsInitialized()) {
    return Status::InvalidArgument("incomplete SCM request: missing " +
                                   request.InitializationErrorString());
  }
  std::string payload = request.SerializeAsString();
  OZ_ASSIGN_OR_RETURN(std::string encoded, replicator_->Submit(std::move(payload)));
  ScmRaftResponse response;
  if (!response.ParseFromString(encoded)) {
    return Status::Corruption("undecodable SCM response (" + std::to_string(encoded.size()) +
                              " bytes)");
  }
  return response;
}

Status ScmRequests::SubmitOk(const ScmRaftRequest& request) {
  OZ_ASSIGN_OR_RETURN(ScmRaftResponse response, Submit(request));
  if (response.has_error()) return ScmStatus(response.error().code(), response.error().message());
  return Status::OK();
}

Result<bool> ScmRequests::AllocateSequenceBatch(const std::string& name, uint64_t expected,
                                                uint64_t next) {
  ScmRaftRequest r;
  auto* a = r.mutable_allocatesequencebatch();
  a->set_name(name);
  a->set_expectedlastid(expected);
  a->set_newlastid(next);
  OZ_ASSIGN_OR_RETURN(ScmRaftResponse response, Submit(r));
  if (response.has_error()) return ScmStatus(response.error().code(), response.error().message());
  return response.allocated();
}

Status ScmRequests::AddContainer(const hdds::ContainerInfoProto& container) {
  ScmRaftRequest r;
  *r.mutable_addcontainer()->mutable_container() = container;
  return SubmitOk(r);
}

Status ScmRequests::UpdateContainerState(int64_t container_id, LifeCycleEvent event) {
  ScmRaftRequest r;
  r.mutable_updatecontainerstate()->set_containerid(container_id);
  r.mutable_updatecontainerstate()->set_event(event);
  return SubmitOk(r);
}

Status ScmRequests::UpdateContainerInfo(const hdds::ContainerInfoProto& container) {
  ScmRaftRequest r;
  *r.mutable_updatecontainerinfo()->mutable_container() = container;
  return SubmitOk(r);
}

Status ScmRequests::RemoveContainer(int64_t container_id) {
  ScmRaftRequest r;
  r.mutable_removecontainer()->set_containerid(container_id);
  return SubmitOk(r);
}

Status ScmRequests::AddPipeline(const hdds::Pipeline& pipeline) {
  ScmRaftRequest r;
  *r.mutable_addpipeline()->mutable_pipeline() = pipeline;
  return SubmitOk(r);
}

Status ScmRequests::UpdatePipelineState(const hdds::PipelineID& id, hdds::PipelineState state) {
  ScmRaftRequest r;
  *r.mutable_updatepipelinestate()->mutable_pipelineid() = id;
  r.mutable_updatepipelinestate()->set_state(state);
  return SubmitOk(r);
}

Status ScmRequests::RemovePipeline(const hdds::PipelineID& id) {
  ScmRaftRequest r;
  *r.mutable_removepipeline()->mutable_pipelineid() = id;
  return SubmitOk(r);
}

Status ScmRequests::AddDeletedBlockTransactions(
    const std::vector<hdds::DeletedBlocksTransaction>& txs) {
  ScmRaftRequest r;
  auto* add = r.mutable_adddeletedblocktransactions();
  for (const auto& tx : txs) *add->add_transactions() = tx;
  return SubmitOk(r);
}

Status ScmRequests::RemoveDeletedBlockTransactions(const std::vector<int64_t>& tx_ids) {
  ScmRaftRequest r;
  auto* remove = r.mutable_removedeletedblocktransactions();
  for (int64_t id : tx_ids) remove->add_txids(id);
  return SubmitOk(r);
}

Status ScmRequests::SaveServiceConfiguration(const std::string& service,
                                             const std::string& config) {
  ScmRaftRequest r;
  r.mutable_saveserviceconfiguration()->set_servicename(service);
  r.mutable_saveserviceconfiguration()->set_configuration(config);
  return SubmitOk(r);
}

Status ScmRequests::DeleteServiceConfiguration(const std::string& service) {
  ScmRaftRequest r;
  r.mutable_deleteserviceconfiguration()->set_servicename(service);
  return SubmitOk(r);
}

}  // namespace ozone::scm
