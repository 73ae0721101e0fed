// Stateful services (Ozone's StatefulService, SCM HA design; seed 002 for OM): a leader-only
// service whose configuration is replicated, so that a new leader resumes it after a failover.
// The configuration is saved through the log into the `statefulServiceConfig` table (SCM; OM:
// `statefulServiceConfigTable`) under the service's name, and read back locally from that table.
//
//   ServiceConfigStore   the domain's way to save (replicated), delete (replicated) and read
//                        (local) a configuration; SCM and OM each implement it with their own
//                        log-entry message.
//   ServiceConfigState   the apply side: writes the change into the batch and asks for a flush
//                        right after, so every replica's table shows it once applied.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "ha/apply_handler.h"

namespace ozone::ha {

class ServiceConfigStore {
 public:
  virtual ~ServiceConfigStore() = default;
  // Replicated: leader only (NotLeader otherwise).
  virtual Status Save(const std::string& service, std::string configuration) = 0;
  virtual Status Delete(const std::string& service) = 0;
  // Local read of the table.
  virtual Result<std::optional<std::string>> Read(const std::string& service) const = 0;
};

class ServiceConfigState {
 public:
  // `table` is the column family (String -> bytes).
  explicit ServiceConfigState(std::string table) : table_(std::move(table)) {}
  // Called by the domain's ApplyHandler: put or delete `service` in ctx.batch and set
  // ctx.flush_after. Errors only if the table is missing (the replica stops).
  Status ApplySave(ApplyContext& ctx, const std::string& service, const std::string& config);
  Status ApplyDelete(ApplyContext& ctx, const std::string& service);
  // The configuration of `service` in the table (nullopt if none).
  Result<std::optional<std::string>> Read(storage::DBStore& db, const std::string& service) const;

 private:
  std::string table_;
};

}  // namespace ozone::ha
