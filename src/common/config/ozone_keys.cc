#include "common/config/ozone_keys.h"

#include <array>

namespace ozone::config::keys {

namespace {
constexpr std::array kAll = {
    &kOzoneMetadataDirs,
    &kOzoneSecurityEnable,
    &kHddsGrpcTlsEnabled,
    &kHaRaftTransport,
    &kRocksDbWriteOptionSync,
    &kScmServiceIds,
    &kScmDefaultServiceId,
    &kScmNodeId,
    &kScmPrimordialNodeId,
    &kScmNames,
    &kScmAddress,
    &kScmClientAddress,
    &kScmClientPort,
    &kScmBlockClientAddress,
    &kScmBlockClientPort,
    &kScmDatanodeAddress,
    &kScmDatanodePort,
    &kScmSecurityServiceAddress,
    &kScmSecurityServicePort,
    &kScmRatisPort,
    &kScmGrpcPort,
    &kScmHttpAddress,
    &kScmHttpsAddress,
    &kScmRatisEnable,
    &kScmDbDirs,
    &kOmServiceIds,
    &kOmInternalServiceId,
    &kOmNodeId,
    &kOmAddress,
    &kOmHttpAddress,
    &kOmHttpsAddress,
    &kOmRatisPort,
    &kOmRatisEnable,
    &kOmDbDirs,
    &kOmClientFailoverMaxAttempts,
    &kOmClientWaitBetweenRetries,
    &kOmClientRpcTimeout,
    &kOmClientFramedCalls,
    &kOmRatisStorageDir,
    &kOmRatisSnapshotDir,
    &kOmRatisMinimumTimeout,
    &kOmRatisRequestTimeout,
    &kOmRatisPreVote,
    &kOmRatisSegmentSize,
    &kOmRatisSegmentPreallocatedSize,
    &kOmRatisSnapshotAutoTriggerThreshold,
    &kOmRatisLogPurgeGap,
    &kOmRatisLogPurgeUptoSnapshotIndex,
    &kOmSnapshotProviderRequestTimeout,
};
}  // namespace

std::span<const ConfigKey* const> AllKeys() { return kAll; }

const ConfigKey* FindKey(std::string_view name) {
  for (const ConfigKey* k : kAll) {
    if (k->name == name) return k;
  }
  return nullptr;
}

}  // namespace ozone::config::keys
