// ScmServiceConfigStore: SCM's ha::ServiceConfigStore (the configuration of stateful services
// such as the ContainerBalancer): Save and Delete are replicated through SCM's log
// (SaveServiceConfiguration / DeleteServiceConfiguration, applied by ha::ServiceConfigState into
// the statefulServiceConfig table with a flush right after); Read is a local read of that table in
// the current database of the DbStateMachine (given as a function, since a snapshot install
// replaces the database).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "ha/stateful_service.h"
#include "scm/ha/scm_requests.h"
#include "storage/db_store.h"

namespace ozone::scm {

class ScmServiceConfigStore : public ha::ServiceConfigStore {
 public:
  // `requests` must outlive the store; `db` returns the current scm.db (DbStateMachine::db()).
  ScmServiceConfigStore(ScmRequests* requests, std::function<storage::DBStore*()> db);

  // Replicated (leader only): NotLeader etc. from the replicator.
  Status Save(const std::string& service, std::string configuration) override;
  Status Delete(const std::string& service) override;
  // The configuration of `service` in this node's table (nullopt if none).
  Result<std::optional<std::string>> Read(const std::string& service) const override;

 private:
  ScmRequests* requests_;
  std::function<storage::DBStore*()> db_;
};

}  // namespace ozone::scm
