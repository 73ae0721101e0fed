#include "scm/ha/scm_service_config_store.h"

#include "scm/metadata/scm_db_definition.h"

namespace ozone::scm {

ScmServiceConfigStore::ScmServiceConfigStore(ScmRequests* requests,
                                             std::function<storage::DBStore*()> db)
    : requests_(requests), db_(std::move(db)) {}

Status ScmServiceConfigStore::Save(const std::string& service, std::string configuration) {
  return requests_->SaveServiceConfiguration(service, configuration);
}

Status ScmServiceConfigStore::Delete(const std::string& service) {
  return requests_->DeleteServiceConfiguration(service);
}

Result<std::optional<std::string>> ScmServiceConfigStore::Read(const std::string& service) const {
  storage::DBStore* db = db_ ? db_() : nullptr;
  if (db == nullptr) return Status::Unavailable("scm.db is not open");
  OZ_ASSIGN_OR_RETURN(storage::RawTable * table, db->Table(kStatefulServiceConfig.name));
  return table->Get(service);
}

}  // namespace ozone::scm
