#include "om/ha/om_prepare_state.h"

#include <spdlog/spdlog.h>

#include "ha/transaction_info.h"
#include "om/metadata/om_db_definition.h"
#include "om/request/om_client_request.h"

namespace ozone::om {
namespace {

bool IsPrepareCommand(Type type) { return type == Prepare || type == CancelPrepare; }

}  // namespace

bool OmPrepareState::RequestAllowed(Type type) const {
  std::lock_guard<std::mutex> l(mu_);
  return IsPrepareCommand(type) || (!gate_ && !prepared_);
}

OMResponse OmPrepareState::Refusal(Type type) {
  OMRequest echo;
  echo.set_cmdtype(type);
  return ErrorResponse(echo, NOT_SUPPORTED_OPERATION_WHEN_PREPARED,
                       "Cannot apply write request " + Type_Name(type) +
                           " when OM is in prepare mode.");
}

bool OmPrepareState::SubmitIfAllowed(Type type, const std::function<void()>& submit) {
  if (type == Prepare) {
    std::unique_lock<std::shared_mutex> closing(submit_mu_);
    {
      std::lock_guard<std::mutex> l(mu_);
      gate_ = true;
    }
    submit();
    return true;
  }
  std::shared_lock<std::shared_mutex> handing_over(submit_mu_);
  if (!RequestAllowed(type)) return false;
  submit();
  return true;
}

void OmPrepareState::PrepareSubmitted(bool ok) {
  std::lock_guard<std::mutex> l(mu_);
  gate_ = false;  // applied: prepared_ holds the gate; failed: open again
  if (!ok && !prepared_) spdlog::warn("om: prepare failed, the prepare gate is open again");
}

OMResponse OmPrepareState::ApplyPrepare(const OMRequest& request, ha::ApplyContext& ctx) {
  const uint64_t index = ctx.ti.index.value();
  Result<storage::RawTable*> table = ctx.db->Table(kTransactionInfoTable.name);
  if (!table.ok()) {
    return ErrorResponse(request, PREPARE_FAILED, table.status().message());
  }
  ctx.batch->Put(**table, kPreparedInfoKey, ha::EncodeTransactionInfo(ctx.ti));
  ctx.flush_after = true;  // completes (PREPARE_COMPLETED) once on disk
  {
    std::lock_guard<std::mutex> l(mu_);
    prepared_ = index;
    completed_ = false;
  }
  spdlog::info("om: prepared at log index {}, writes are refused until the prepare is cancelled",
               index);
  OMResponse ok = ErrorResponse(request, OK, "");
  ok.mutable_prepareresponse()->set_txnid(index);
  return ok;
}

Result<OMResponse> OmPrepareState::ApplyCancel(const OMRequest& request, ha::ApplyContext& ctx) {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, ctx.db->Table(kTransactionInfoTable.name));
  ctx.batch->Delete(*table, kPreparedInfoKey);
  ctx.flush_after = true;
  {
    std::lock_guard<std::mutex> l(mu_);
    prepared_.reset();
    completed_ = false;
    gate_ = false;
  }
  spdlog::info("om: prepare cancelled at log index {}", ctx.ti.index.value());
  OMResponse ok = ErrorResponse(request, OK, "");
  ok.mutable_cancelprepareresponse();
  return ok;
}

void OmPrepareState::OnFlushedThrough(uint64_t flushed_index) {
  std::function<void(uint64_t)> notify;
  uint64_t index = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!prepared_ || completed_ || flushed_index < *prepared_) return;
    completed_ = true;
    index = *prepared_;
    notify = on_completed_;
  }
  spdlog::info("om: prepare at log index {} completed (om.db holds it)", index);
  if (notify) notify(index);
}

ozone::Status OmPrepareState::Reload(storage::DBStore& db) {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(kTransactionInfoTable.name));
  OZ_ASSIGN_OR_RETURN(std::optional<std::string> row, table->Get(kPreparedInfoKey));
  std::optional<uint64_t> prepared;
  if (row) {
    OZ_ASSIGN_OR_RETURN(ha::TransactionInfo ti, ha::DecodeTransactionInfo(*row));
    if (cancel_on_load_.exchange(false)) {
      OZ_RETURN_IF_ERROR(table->Delete(kPreparedInfoKey));
      spdlog::info("om: prepare at log index {} cancelled on start-up (--upgrade)",
                   ti.index.value());
    } else {
      prepared = ti.index.value();
      spdlog::info("om: prepared at log index {} (from om.db): writes are refused until the "
                   "prepare is cancelled",
                   ti.index.value());
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  prepared_ = prepared;
  completed_ = prepared.has_value();
  gate_ = false;
  return ozone::Status::OK();
}

void OmPrepareState::SetOnCompleted(std::function<void(uint64_t index)> on_completed) {
  std::lock_guard<std::mutex> l(mu_);
  on_completed_ = std::move(on_completed);
}

PrepareStatusResponse OmPrepareState::StatusResponse() const {
  std::lock_guard<std::mutex> l(mu_);
  PrepareStatusResponse r;
  if (prepared_ && completed_) {
    r.set_status(PrepareStatusResponse::PREPARE_COMPLETED);
    r.set_currenttxnindex(*prepared_);
  } else if (prepared_ || gate_) {
    r.set_status(PrepareStatusResponse::PREPARE_GATE_ENABLED);
    r.set_currenttxnindex(prepared_.value_or(0));
  } else {
    r.set_status(PrepareStatusResponse::NOT_PREPARED);
    r.set_currenttxnindex(kNoPrepareIndex);
  }
  return r;
}

}  // namespace ozone::om
