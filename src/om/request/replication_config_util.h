// Replication configs as Ozone names and prints them: RATIS/ONE, RATIS/THREE, EC rs-3-2-1024k
// (ReplicationConfig.getReplication(): "ONE", "THREE", "rs-3-2-1024k"), parsing what
// `ozone sh ... --type/--replication` accept, the number of replicas a config stores, and the
// checks OM applies to a bucket's default.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "hdds.pb.h"
#include "om.pb.h"

namespace ozone::om {

// "ONE", "THREE" (RATIS, STAND_ALONE) or "rs-3-2-1024k" (EC).
std::string ReplicationString(const DefaultReplicationConfig& config);
// "RATIS/THREE", "EC/rs-3-2-1024k".
std::string ReplicationConfigString(const DefaultReplicationConfig& config);
// From --type (RATIS, STAND_ALONE, EC; empty: RATIS unless `replication` is an EC string) and
// --replication (ONE, THREE, 1, 3, rs-3-2-1024k, xor-3-2-4096). InvalidArgument otherwise.
Result<DefaultReplicationConfig> ParseReplicationConfig(std::string_view type,
                                                        std::string_view replication);
// Whether OM accepts `config` (type and factor agree; EC data/parity/codec/chunk size sane);
// the reason when not.
std::optional<std::string> CheckReplicationConfig(const DefaultReplicationConfig& config);
// Replicas a key of `config` stores (RATIS THREE: 3, EC 3-2: 5).
uint64_t RequiredNodes(const DefaultReplicationConfig& config);
// The replication of a key record.
DefaultReplicationConfig ReplicationOf(const KeyInfo& key);
// Names `config` in `args`: its type, and its factor or (EC) its EC config, the other cleared.
void SetReplication(KeyArgs& args, const DefaultReplicationConfig& config);

}  // namespace ozone::om
