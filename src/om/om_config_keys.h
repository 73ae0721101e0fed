// The OM core's configuration keys (Ozone's names and defaults) not already in
// common/config/ozone_keys.h.
//
// Thread-safety: immutable constants.
#pragma once

#include "common/config/config_key.h"

namespace ozone::om {

using config::ConfigKey;

inline constexpr ConfigKey kKeyPreallocationMaxBlocks{"ozone.key.preallocation.max.blocks", "64",
                                                      "Blocks allocated at key open at most."};
inline constexpr ConfigKey kReplicationType{"ozone.replication.type", "RATIS",
                                            "Default replication type of keys."};
inline constexpr ConfigKey kReplication{"ozone.replication", "THREE",
                                        "Default replication of keys."};
inline constexpr ConfigKey kKeynameCharacterCheck{
    "ozone.om.keyname.character.check.enabled", "false",
    "Refuse key names with characters Ozone calls illegal."};
inline constexpr ConfigKey kNamespaceS3Strict{"ozone.om.namespace.s3.strict", "true",
                                              "Volume and bucket names follow S3 rules."};
inline constexpr ConfigKey kRetryCacheExpiry{"ozone.om.ha.raft.server.retrycache.expirytime",
                                             "300s", "How long retried writes are recognized."};
inline constexpr ConfigKey kUnflushedTransactionMaxCount{
    "ozone.om.unflushed.transaction.max.count", "10000",
    "Applied but unflushed transactions before Apply waits."};
inline constexpr ConfigKey kOpenKeyExpireThreshold{"ozone.om.open.key.expire.threshold", "7d",
                                                   "Open keys older than this are deleted."};
inline constexpr ConfigKey kOpenKeyCleanupInterval{"ozone.om.open.key.cleanup.service.interval",
                                                   "24h", "OpenKeyCleanupService period."};
inline constexpr ConfigKey kOpenKeyCleanupLimit{"ozone.om.open.key.cleanup.limit.per.task",
                                                "1000", "Open keys deleted per run at most."};
inline constexpr ConfigKey kKeyDeletingLimit{"ozone.key.deleting.limit.per.task", "50000",
                                             "Deleted keys purged per run at most."};
inline constexpr ConfigKey kBlockDeletingInterval{"ozone.block.deleting.service.interval", "60s",
                                                  "KeyDeletingService period."};
inline constexpr ConfigKey kLifecycleInterval{"ozone.om.lifecycle.service.interval", "60s",
                                              "KeyLifecycleService period."};
// The project's own (Ozone's OM asks SCM for every open): blocks allocated ahead of key opens.
inline constexpr ConfigKey kScmBlockPrefetchCount{
    "ozone.om.scm.block.prefetch.count", "64",
    "Blocks the leader keeps allocated ahead per replication, so that an open does not wait for "
    "SCM (up to 16 times as many while opens come in bursts); 0 turns it off."};
inline constexpr ConfigKey kScmBlockPrefetchMaxAge{
    "ozone.om.scm.block.prefetch.max.age", "10s",
    "Blocks allocated ahead and not used within this are dropped."};
// The project's own: how long the double buffer gathers applied entries before a commit.
inline constexpr ConfigKey kDoubleBufferGatherInterval{
    "ozone.om.double.buffer.gather.interval", "1ms",
    "Once entries are pending, the double buffer's flush thread waits up to this long for more "
    "(a quarter of ozone.om.unflushed.transaction.max.count ends the wait) so that one RocksDB "
    "batch carries more of them; 0 commits at once. Clients are answered at apply, not at the "
    "commit."};

}  // namespace ozone::om
