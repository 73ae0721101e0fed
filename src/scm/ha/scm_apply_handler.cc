#include "scm/ha/scm_apply_handler.h"

#include <vector>

namespace ozone::scm {

ScmApplyHandler::ScmApplyHandler(ContainerStateManager* containers, PipelineStateManager* pipelines,
                                 DeletedBlockLogState* deleted_blocks,
                                 ha::SequenceIdState* sequence_ids,
                                 ha::ServiceConfigState* service_configs)
    : containers_(containers),
      pipelines_(pipelines),
      deleted_blocks_(deleted_blocks),
      sequence_ids_(sequence_ids),
      service_configs_(service_configs) {}

Result<std::string> ScmApplyHandler::Apply(std::string_view payload, ha::ApplyContext& ctx) {
  ScmRaftRequest request;
  if (!request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Status::Corruption("SCM log entry " + ctx.ti.ToString() + " does not decode (" +
                              std::to_string(payload.size()) + " bytes)");
  }
  if (request.version() < 1 || request.version() > kScmRequestVersion) {
    return Status::NotSupported("SCM log entry " + ctx.ti.ToString() + " has version " +
                                std::to_string(request.version()) + "; this SCM applies 1.." +
                                std::to_string(kScmRequestVersion));
  }
  ScmRaftResponse response;
  std::optional<ScmError> error;
  switch (request.request_case()) {
    case ScmRaftRequest::kAllocateSequenceBatch: {
      const auto& r = request.allocatesequencebatch();
      OZ_ASSIGN_OR_RETURN(bool allocated,
                          sequence_ids_->AllocateBatch(*ctx.db, *ctx.batch, r.name(),
                                                       r.expectedlastid(), r.newlastid()));
      response.set_allocated(allocated);
      break;
    }
    case ScmRaftRequest::kAddContainer: {
      OZ_ASSIGN_OR_RETURN(error, containers_->ApplyAdd(ctx, request.addcontainer().container()));
      break;
    }
    case ScmRaftRequest::kUpdateContainerState: {
      const auto& r = request.updatecontainerstate();
      OZ_ASSIGN_OR_RETURN(error, containers_->ApplyUpdateState(ctx, r.containerid(), r.event()));
      break;
    }
    case ScmRaftRequest::kUpdateContainerInfo: {
      OZ_ASSIGN_OR_RETURN(
          error, containers_->ApplyUpdateInfo(ctx, request.updatecontainerinfo().container()));
      break;
    }
    case ScmRaftRequest::kRemoveContainer: {
      OZ_ASSIGN_OR_RETURN(error,
                          containers_->ApplyRemove(ctx, request.removecontainer().containerid()));
      break;
    }
    case ScmRaftRequest::kAddPipeline: {
      OZ_ASSIGN_OR_RETURN(error, pipelines_->ApplyAdd(ctx, request.addpipeline().pipeline()));
      break;
    }
    case ScmRaftRequest::kUpdatePipelineState: {
      const auto& r = request.updatepipelinestate();
      OZ_ASSIGN_OR_RETURN(error, pipelines_->ApplyUpdateState(ctx, r.pipelineid(), r.state()));
      break;
    }
    case ScmRaftRequest::kRemovePipeline: {
      OZ_ASSIGN_OR_RETURN(error,
                          pipelines_->ApplyRemove(ctx, request.removepipeline().pipelineid()));
      break;
    }
    case ScmRaftRequest::kAddDeletedBlockTransactions: {
      const auto& r = request.adddeletedblocktransactions();
      std::vector<hdds::DeletedBlocksTransaction> txs(r.transactions().begin(),
                                                      r.transactions().end());
      OZ_ASSIGN_OR_RETURN(error, deleted_blocks_->ApplyAdd(ctx, txs));
      break;
    }
    case ScmRaftRequest::kRemoveDeletedBlockTransactions: {
      const auto& r = request.removedeletedblocktransactions();
      std::vector<int64_t> ids(r.txids().begin(), r.txids().end());
      OZ_ASSIGN_OR_RETURN(error, deleted_blocks_->ApplyRemove(ctx, ids));
      break;
    }
    case ScmRaftRequest::kSaveServiceConfiguration: {
      const auto& r = request.saveserviceconfiguration();
      OZ_RETURN_IF_ERROR(service_configs_->ApplySave(ctx, r.servicename(), r.configuration()));
      break;
    }
    case ScmRaftRequest::kDeleteServiceConfiguration: {
      OZ_RETURN_IF_ERROR(
          service_configs_->ApplyDelete(ctx, request.deleteserviceconfiguration().servicename()));
      break;
    }
    case ScmRaftRequest::REQUEST_NOT_SET:
      return Status::NotSupported("SCM log entry " + ctx.ti.ToString() +
                                  " holds no request this SCM knows");
  }
  if (error) *response.mutable_error() = std::move(*error);
  return response.SerializeAsString();
}

Status ScmApplyHandler::Reload(storage::DBStore& db) {
  OZ_RETURN_IF_ERROR(containers_->Reload(db));
  OZ_RETURN_IF_ERROR(pipelines_->Reload(db));
  OZ_RETURN_IF_ERROR(deleted_blocks_->Reload(db));
  OZ_RETURN_IF_ERROR(sequence_ids_->Reload(db));
  return Status::OK();
}

void ScmApplyHandler::OnFlushed() { deleted_blocks_->OnFlushed(); }

}  // namespace ozone::scm
