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

// --- OM topology (seed 003) ----------------------------------------------------------------------
inline constexpr ConfigKey kOmServiceIds{"ozone.om.service.ids", std::nullopt,
                                         "Comma-separated OM service ids."};
inline constexpr ConfigKey kOmInternalServiceId{
    "ozone.om.internal.service.id", std::nullopt,
    "The OM service id this OM belongs to when several are configured."};
inline constexpr std::string_view kOmNodesPrefix = "ozone.om.nodes";  // .<serviceId>
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

// Every key above, for lookups by name (`ozone getconf confKey`).
std::span<const ConfigKey* const> AllKeys();
// The registered key of that name, or nullptr.
const ConfigKey* FindKey(std::string_view name);

}  // namespace ozone::config::keys
