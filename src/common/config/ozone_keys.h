// The configuration keys the project reads, with Ozone's names and defaults (ozone-default.xml).
// Keys are added here, never spelled as string literals elsewhere, so that `ozone getconf`
// knows every default and a typo is a compile error.
//
// Thread-safety: immutable constants.
#pragma once

#include <span>
#include <string_view>

#include "common/config/config_key.h"

namespace ozone::config::keys {

// --- General -----------------------------------------------------------------------------------
inline constexpr ConfigKey kOzoneMetadataDirs{
    "ozone.metadata.dirs", std::nullopt,
    "Directory for metadata (VERSION files, RocksDB databases, Raft logs) of SCM and OM."};
inline constexpr ConfigKey kOzoneSecurityEnable{"ozone.security.enable", "false",
                                                "Enables Kerberos/certificate based security."};
inline constexpr ConfigKey kHddsGrpcTlsEnabled{
    "hdds.grpc.tls.enabled", "false", "Enables TLS on the gRPC servers (Raft and inter-service)."};
inline constexpr ConfigKey kHaRaftTransport{
    "ozone.ha.raft.transport", std::nullopt,
    "Transport between the Raft servers of SCM and OM: tcp or grpc; unset: tcp, or grpc when the "
    "Raft transport uses TLS (only the gRPC transport speaks TLS)."};

inline constexpr ConfigKey kRocksDbWriteOptionSync{
    "hadoop.hdds.db.rocksdb.writeoption.sync", "false",
    "Sync the RocksDB WAL on every write of the SCM and OM databases. Off by default as in Ozone: "
    "what a crash loses is replayed from the Raft log, which is synced (a snapshot syncs first)."};

// --- SCM topology (seed 001) ---------------------------------------------------------------------
inline constexpr ConfigKey kScmServiceIds{"ozone.scm.service.ids", std::nullopt,
                                          "Comma-separated SCM service ids (one per cluster)."};
inline constexpr ConfigKey kScmDefaultServiceId{
    "ozone.scm.default.service.id", std::nullopt,
    "The SCM service id of this cluster when several are configured."};
inline constexpr std::string_view kScmNodesPrefix = "ozone.scm.nodes";  // .<serviceId>
inline constexpr ConfigKey kScmNodeId{
    "ozone.scm.node.id", std::nullopt,
    "This SCM's node id; detected from local addresses when unset."};
inline constexpr ConfigKey kScmPrimordialNodeId{
    "ozone.scm.primordial.node.id", std::nullopt,
    "Node id or host name of the SCM that runs --init (auto-bootstrap)."};
inline constexpr ConfigKey kScmNames{"ozone.scm.names", std::nullopt,
                                     "Non-HA SCM host names (host[:port], comma separated)."};
inline constexpr ConfigKey kScmAddress{
    "ozone.scm.address", std::nullopt,
    "Host of an SCM node; per node as ozone.scm.address.<svc>.<node>."};
inline constexpr ConfigKey kScmClientAddress{"ozone.scm.client.address", std::nullopt,
                                             "SCM client protocol address (host[:port])."};
inline constexpr ConfigKey kScmClientPort{"ozone.scm.client.port", "9860",
                                          "SCM client (container location) protocol port."};
inline constexpr ConfigKey kScmBlockClientAddress{
    "ozone.scm.block.client.address", std::nullopt,
    "SCM block location protocol address (host[:port])."};
inline constexpr ConfigKey kScmBlockClientPort{"ozone.scm.block.client.port", "9863",
                                               "SCM block location protocol port."};
inline constexpr ConfigKey kScmDatanodeAddress{"ozone.scm.datanode.address", std::nullopt,
                                               "SCM datanode protocol address (host[:port])."};
inline constexpr ConfigKey kScmDatanodePort{"ozone.scm.datanode.port", "9861",
                                            "SCM datanode protocol port."};
inline constexpr ConfigKey kScmSecurityServiceAddress{
    "ozone.scm.security.service.address", std::nullopt,
    "SCM security protocol address (host[:port])."};
inline constexpr ConfigKey kScmSecurityServicePort{"ozone.scm.security.service.port", "9961",
                                                   "SCM security protocol port."};
inline constexpr ConfigKey kScmRatisPort{"ozone.scm.ratis.port", "9894", "SCM Raft port."};
inline constexpr ConfigKey kScmGrpcPort{"ozone.scm.grpc.port", "9895",
                                        "SCM inter-service gRPC port (checkpoint transfer)."};
inline constexpr ConfigKey kScmHttpAddress{"ozone.scm.http-address", "0.0.0.0:9876",
                                           "SCM HTTP address."};
inline constexpr ConfigKey kScmHttpsAddress{"ozone.scm.https-address", "0.0.0.0:9877",
                                            "SCM HTTPS address."};
inline constexpr ConfigKey kScmRatisEnable{
    "ozone.scm.ratis.enable", "true",
    "SCM runs on a Raft ring (always true here; kept for compatibility)."};
inline constexpr ConfigKey kScmDbDirs{
    "ozone.scm.db.dirs", std::nullopt,
    "Directory of scm.db and scm/current/VERSION; defaults to ozone.metadata.dirs."};

// --- SCM HA (reference/ozone-ha.md §1) ---------------------------------------------------------
inline constexpr ConfigKey kScmHaRatisStorageDir{"ozone.scm.ha.ratis.storage.dir", std::nullopt,
    "SCM Raft log directory; defaults to <ozone.metadata.dirs>/scm.ratis."};
inline constexpr ConfigKey kScmHaRatisSnapshotDir{"ozone.scm.ha.ratis.snapshot.dir", std::nullopt,
    "Where downloaded checkpoints go; defaults to <ozone.metadata.dirs>/scm.ratis.snapshot."};
inline constexpr ConfigKey kScmHaLeaderElectionTimeout{"ozone.scm.ha.ratis.leader.election.timeout",
    "300ms", "Minimum election timeout (randomized up to twice it). Ozone: 5s; faster here."};
inline constexpr ConfigKey kScmHaHeartbeatInterval{"ozone.scm.ha.ratis.heartbeat.interval", "30ms",
    "Raft heartbeat interval of the SCM ring."};
inline constexpr ConfigKey kScmHaRequestTimeout{"ozone.scm.ha.ratis.request.timeout", "30s",
    "How long a replicated SCM request may take."};
inline constexpr ConfigKey kScmHaPreVote{"ozone.scm.ha.ratis.server.leaderelection.pre-vote", "true",
    "Pre-vote before elections."};
inline constexpr ConfigKey kScmHaSnapshotThreshold{"ozone.scm.ha.ratis.snapshot.threshold", "1000",
    "Applied entries between SCM snapshots (transaction buffer flushes)."};
inline constexpr ConfigKey kScmHaLogPurgeEnabled{"ozone.scm.ha.ratis.log.purge.enabled", "false",
    "Purge the SCM Raft log after snapshots."};
inline constexpr ConfigKey kScmHaLogPurgeGap{"ozone.scm.ha.ratis.log.purge.gap", "1000000",
    "Entries kept before a snapshot when purging."};
inline constexpr ConfigKey kScmHaSegmentSize{"ozone.scm.ha.ratis.segment.size", "64MB",
    "Raft log segment size."};
inline constexpr ConfigKey kScmHaSegmentPreallocatedSize{
    "ozone.scm.ha.ratis.segment.preallocated.size", "4MB", "Raft log segment preallocation."};
inline constexpr ConfigKey kScmHaDbTransactionBufferFlushInterval{
    "ozone.scm.ha.dbtransactionbuffer.flush.interval", "60s",
    "The leader flushes the SCM transaction buffer at least this often."};
inline constexpr ConfigKey kScmHaGrpcDeadline{"ozone.scm.ha.grpc.deadline.interval", "30m",
    "Longest checkpoint download."};
inline constexpr ConfigKey kScmSequenceIdBatchSize{"ozone.scm.sequence.id.batch.size", "1000",
    "Ids reserved per replicated sequence id batch."};
inline constexpr ConfigKey kScmSkipBootstrapValidation{"ozone.scm.skip.bootstrap.validation",
    "false", "Skip the cluster id check of an initialized node on --bootstrap."};
inline constexpr ConfigKey kScmInfoWaitDuration{"ozone.scm.info.wait.duration", "10m",
    "How long --bootstrap retries reaching the running SCMs."};

// --- SCM block space ---------------------------------------------------------------------------
inline constexpr ConfigKey kScmContainerSize{"ozone.scm.container.size", "5GB",
    "Container size."};
inline constexpr ConfigKey kScmBlockSize{"ozone.scm.block.size", "256MB", "Block size."};
inline constexpr ConfigKey kScmPipelineOwnerContainerCount{
    "ozone.scm.pipeline.owner.container.count", "3", "Open containers per pipeline."};
inline constexpr ConfigKey kScmDatanodeMaxPipelineEngagement{
    "ozone.scm.datanode.max.pipeline.engagement", "2", "Pipelines a datanode may be part of."};
inline constexpr ConfigKey kScmPipelineCreationInterval{"ozone.scm.pipeline.creation.interval",
    "120s", "Interval of the background pipeline creator."};
inline constexpr ConfigKey kScmStaleNodeInterval{"ozone.scm.stale.node.interval", "5m",
    "A datanode without heartbeat this long is stale."};
inline constexpr ConfigKey kScmDeadNodeInterval{"ozone.scm.dead.node.interval", "10m",
    "A datanode without heartbeat this long is dead."};
inline constexpr ConfigKey kHddsHeartbeatInterval{"hdds.heartbeat.interval", "30s",
    "Datanode heartbeat interval."};
inline constexpr ConfigKey kScmSafeModeEnabled{"hdds.scm.safemode.enabled", "true",
    "Start SCM in safe mode."};
inline constexpr ConfigKey kScmSafeModeMinDatanode{"hdds.scm.safemode.min.datanode", "3",
    "Datanodes to register before leaving safe mode."};
inline constexpr ConfigKey kScmSafeModeThresholdPct{"hdds.scm.safemode.threshold.pct", "0.99",
    "Fraction of containers with a reported replica to leave safe mode."};
inline constexpr ConfigKey kScmSafeModeHealthyPipelinePct{"hdds.scm.safemode.healthy.pipeline.pct",
    "0.10", "Fraction of healthy RATIS/THREE pipelines to leave safe mode."};
inline constexpr ConfigKey kScmSafeModeOneReplicaPipelinePct{
    "hdds.scm.safemode.atleast.one.node.reported.pipeline.pct", "0.90",
    "Fraction of pipelines with one reported member to leave safe mode."};
inline constexpr ConfigKey kScmSafeModePipelineCreation{"hdds.scm.safemode.pipeline.creation",
    "true", "Create pipelines while in safe mode."};
inline constexpr ConfigKey kScmWaitTimeAfterSafeModeExit{"hdds.scm.wait.time.after.safemode.exit",
    "5m", "Delay of leader services after leaving safe mode."};
inline constexpr ConfigKey kScmBlockDeletingServiceInterval{
    "hdds.scm.block.deleting.service.interval", "60s", "Interval of SCM's block deleting service."};
inline constexpr ConfigKey kScmBlockDeletionPerIntervalMax{"hdds.scm.block.deletion.per-interval.max",
    "500000", "Blocks sent for deletion per interval."};
inline constexpr ConfigKey kScmReplicationThreadInterval{"hdds.scm.replication.thread.interval",
    "300s", "Interval of the replication manager."};

// --- SCM clients (failover to the leader, reference/ozone-ha.md §1.13) ------------------------
inline constexpr ConfigKey kScmClientFailoverMaxRetry{"hdds.scmclient.failover.max.retry", "15",
    "Failover attempts of an SCM client before it gives up."};
inline constexpr ConfigKey kScmClientFailoverRetryInterval{
    "hdds.scmclient.failover.retry.interval", "2s",
    "Wait of an SCM client after trying every SCM without finding the leader."};
inline constexpr ConfigKey kScmClientRpcTimeout{"hdds.scmclient.rpc.timeout", "15m",
    "Deadline of one SCM client call."};

// --- OM topology (seed 003) ----------------------------------------------------------------------
inline constexpr ConfigKey kOmServiceIds{"ozone.om.service.ids", std::nullopt,
                                         "Comma-separated OM service ids."};
inline constexpr ConfigKey kOmInternalServiceId{
    "ozone.om.internal.service.id", std::nullopt,
    "The OM service id this OM belongs to when several are configured."};
inline constexpr std::string_view kOmNodesPrefix = "ozone.om.nodes";  // .<serviceId>
// .<serviceId>: OM node ids (of ozone.om.nodes.<svc>) that were decommissioned; a bootstrapping
// OM listed there is refused by `ozone om --bootstrap`'s check of its peers.
inline constexpr std::string_view kOmDecommissionedNodesPrefix = "ozone.om.decommissioned.nodes";
// .<serviceId>: OM node ids (of ozone.om.nodes.<svc>) that are listeners: non-voting members of
// the ring (Ratis LISTENER) that receive the log, never vote and are never elected; `ozone admin
// om roles` shows them as LISTENER.
inline constexpr std::string_view kOmListenerNodesPrefix = "ozone.om.listener.nodes";
inline constexpr ConfigKey kOmNodeId{
    "ozone.om.node.id", std::nullopt,
    "This OM's node id; detected from local addresses when unset."};
inline constexpr ConfigKey kOmAddress{
    "ozone.om.address", "0.0.0.0:9862",
    "OM RPC address (host[:port]); per node as ozone.om.address.<svc>.<node>."};
inline constexpr ConfigKey kOmHttpAddress{"ozone.om.http-address", "0.0.0.0:9874",
                                          "OM HTTP address."};
inline constexpr ConfigKey kOmHttpsAddress{"ozone.om.https-address", "0.0.0.0:9875",
                                           "OM HTTPS address."};
inline constexpr ConfigKey kOmRatisPort{"ozone.om.ratis.port", "9872", "OM Raft port."};
inline constexpr ConfigKey kOmRatisEnable{
    "ozone.om.ratis.enable", "true",
    "OM runs on a Raft ring (always true here; kept for compatibility)."};
inline constexpr ConfigKey kOmDbDirs{
    "ozone.om.db.dirs", std::nullopt,
    "Directory of om.db and om/current/VERSION; defaults to ozone.metadata.dirs."};

// --- OM client failover (Ozone's OMFailoverProxyProviderBase) ----------------------------------
inline constexpr ConfigKey kOmClientFailoverMaxAttempts{
    "ozone.client.failover.max.attempts", "500",
    "Failovers of an OM client (to another OM, or the same one not ready yet) before it gives up."};
inline constexpr ConfigKey kOmClientWaitBetweenRetries{
    "ozone.client.wait.between.retries.millis", "2000",
    "Wait of an OM client, in ms, once it tried every OM without finding the leader."};
inline constexpr ConfigKey kOmClientRpcTimeout{"ozone.om.client.rpc.timeout", "15m",
                                               "Deadline of one OM client call."};
inline constexpr ConfigKey kOmClientFramedCalls{
    "ozone.om.client.framed.calls", "true",
    "Whether OM clients send their calls over the framed protocol the OMs serve on their client "
    "port (src/rpc/framed_wire.h) rather than over a gRPC stream; an OM that does not serve it "
    "gets them over gRPC."};

// --- OM server (reference/ozone-ha.md §3.1, §3.2) -----------------------------------------------
inline constexpr ConfigKey kOmRatisStorageDir{
    "ozone.om.ratis.storage.dir", std::nullopt,
    "Directory of the OM ring's Raft log; defaults to <ozone.metadata.dirs>/om.ratis."};
inline constexpr ConfigKey kOmRatisSnapshotDir{
    "ozone.om.ratis.snapshot.dir", std::nullopt,
    "Directory of downloaded OM checkpoints; defaults to <ozone.metadata.dirs>/om.ratis.snapshot."};
inline constexpr ConfigKey kOmRatisMinimumTimeout{
    "ozone.om.ratis.minimum.timeout", "5s",
    "Minimum election timeout of the OM ring (randomized up to twice it)."};
inline constexpr ConfigKey kOmRatisRequestTimeout{
    "ozone.om.ratis.server.request.timeout", "3s", "How long a replicated OM write may take."};
inline constexpr ConfigKey kOmRatisPreVote{"ozone.om.ratis.server.leaderelection.pre-vote",
                                           "true", "Pre-vote before OM elections."};
inline constexpr ConfigKey kOmRatisSegmentSize{"ozone.om.ratis.segment.size", "64MB",
                                               "Raft log segment size of the OM ring."};
inline constexpr ConfigKey kOmRatisSegmentPreallocatedSize{
    "ozone.om.ratis.segment.preallocated.size", "4MB", "Preallocated size of a log segment."};
inline constexpr ConfigKey kOmRatisSnapshotAutoTriggerThreshold{
    "ozone.om.ratis.snapshot.auto.trigger.threshold", "400000",
    "Applied entries between OM snapshots."};
inline constexpr ConfigKey kOmRatisLogPurgeGap{"ozone.om.ratis.log.purge.gap", "1000000",
                                               "Log entries kept behind a snapshot."};
inline constexpr ConfigKey kOmRatisLogPurgeUptoSnapshotIndex{
    "ozone.om.ratis.log.purge.upto.snapshot.index", "true", "Purge the log after snapshots."};
inline constexpr ConfigKey kOmSnapshotProviderRequestTimeout{
    "ozone.om.snapshot.provider.request.timeout", "300000ms",
    "Longest a follower's checkpoint download from the leader may take."};

// Every key above, for lookups by name (`ozone getconf confKey`).
std::span<const ConfigKey* const> AllKeys();
// The registered key of that name, or nullptr.
const ConfigKey* FindKey(std::string_view name);

}  // namespace ozone::config::keys
