// KvApplyHandler: a toy ApplyHandler for tests of the HA framework: a key-value map over one
// table of a small schema (KvDbDefinition), plus the framework's own apply-side states
// (SequenceIdState, ServiceConfigState) so that tests drive them through a real log.
//
// Requests (space separated; keys and values without spaces):
//   put <key> <value>          -> the previous value ("" if none)
//   del <key>                  -> ""
//   putflush <key> <value>     -> as put, and asks for a flush after the entry
//   get <key>                  -> the value as applied here ("" if none)
//   alloc <name> <expected> <new>  -> "1" if SequenceIdState reserved (expected, new], else "0"
//   svcsave <service> <config> / svcdel <service>  -> "" (ServiceConfigState)
//   fail                       -> an IoError (a local failure: the replica must stop)
// Anything else -> "?" (a domain result, not an error).
//
// Thread-safety: Apply, Reload and OnFlushed from one thread at a time; Get, data() and the
// counters from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "ha/apply_handler.h"
#include "ha/sequence_id_generator.h"
#include "ha/stateful_service.h"
#include "storage/db_definition.h"

namespace ozone::ha::testing {

inline constexpr char kKvTable[] = "kv";
inline constexpr char kKvTransactionInfoTable[] = "transactionInfo";
inline constexpr char kKvSequenceIdTable[] = "sequenceId";
inline constexpr char kKvServiceConfigTable[] = "statefulServiceConfig";

// "kv.db": kv (String -> String), transactionInfo (String -> TransactionInfo), sequenceId
// (String -> Long), statefulServiceConfig (String -> bytes).
const storage::DBDefinition& KvDbDefinition();

class KvApplyHandler : public ApplyHandler {
 public:
  using Map = std::map<std::string, std::string>;

  KvApplyHandler();

  Result<std::string> Apply(std::string_view payload, ApplyContext& ctx) override;
  Status Reload(storage::DBStore& db) override;
  void OnFlushed() override;

  // The in-memory state (the read path).
  std::optional<std::string> Get(const std::string& key) const;
  Map data() const;
  uint64_t reloads() const;
  uint64_t flushes() const;
  uint64_t applies() const;

  SequenceIdState& sequence_ids() { return sequence_ids_; }
  ServiceConfigState& service_configs() { return service_configs_; }

 private:
  SequenceIdState sequence_ids_;
  ServiceConfigState service_configs_;
  mutable std::mutex mu_;
  Map data_;              // guarded by mu_
  uint64_t reloads_ = 0;  // guarded by mu_
  uint64_t flushes_ = 0;  // guarded by mu_
  uint64_t applies_ = 0;  // guarded by mu_
};

// Reads the kv table of `db` directly (what is flushed).
Result<KvApplyHandler::Map> ReadKvTable(storage::DBStore& db);
// Reads the stored TransactionInfo of `db` ({0, 0} if none).
Result<TransactionInfo> ReadStoredTransactionInfo(storage::DBStore& db);

}  // namespace ozone::ha::testing
