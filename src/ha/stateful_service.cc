#include "ha/stateful_service.h"

namespace ozone::ha {

Status ServiceConfigState::ApplySave(ApplyContext& ctx, const std::string& service,
                                     const std::string& config) {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, ctx.db->Table(table_));
  ctx.batch->Put(*table, service, config);
  ctx.flush_after = true;
  return Status::OK();
}

Status ServiceConfigState::ApplyDelete(ApplyContext& ctx, const std::string& service) {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, ctx.db->Table(table_));
  ctx.batch->Delete(*table, service);
  ctx.flush_after = true;
  return Status::OK();
}

Result<std::optional<std::string>> ServiceConfigState::Read(storage::DBStore& db,
                                                            const std::string& service) const {
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db.Table(table_));
  return table->Get(service);
}

}  // namespace ozone::ha
