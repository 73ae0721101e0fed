// The schema of om.db: Ozone's column family names (OMDBDefinition) with the project's codecs.
// Keys are Ozone's path forms: "/vol" (volumeTable), "/vol/bucket" (bucketTable),
// "/vol/bucket/key" (keyTable), "/vol/bucket/key/<clientId>" (openKeyTable),
// "/vol/bucket/key/<objectID>" (deletedTable); see om_db_keys.h. Two column families are the
// project's own: statefulServiceConfigTable (seed 002) and retryCacheTable (the replicated retry
// cache: "<clientId>#<callId>" -> the response of an applied write).
//
// Thread-safety: immutable constants.
#pragma once

#include "hdds.pb.h"
#include "om.pb.h"
#include "storage/db_definition.h"

namespace ozone::om {

using storage::BytesCodec;
using storage::ProtoCodec;
using storage::StringCodec;
using storage::TableSpec;

inline constexpr char kOmDbName[] = "om.db";
inline constexpr char kTransactionInfoKey[] = "#TRANSACTIONINFO";

inline constexpr TableSpec<StringCodec, ProtoCodec<UserVolumeInfo>> kUserTable{"userTable"};
inline constexpr TableSpec<StringCodec, ProtoCodec<VolumeInfo>> kVolumeTable{"volumeTable"};
inline constexpr TableSpec<StringCodec, ProtoCodec<BucketInfo>> kBucketTable{"bucketTable"};
inline constexpr TableSpec<StringCodec, ProtoCodec<KeyInfo>> kKeyTable{"keyTable"};
inline constexpr TableSpec<StringCodec, ProtoCodec<KeyInfo>> kOpenKeyTable{"openKeyTable"};
inline constexpr TableSpec<StringCodec, ProtoCodec<RepeatedKeyInfo>> kDeletedTable{"deletedTable"};
inline constexpr TableSpec<StringCodec, ProtoCodec<KeyInfo>> kFileTable{"fileTable"};
inline constexpr TableSpec<StringCodec, ProtoCodec<KeyInfo>> kOpenFileTable{"openFileTable"};
inline constexpr TableSpec<StringCodec, ProtoCodec<hdds::TransactionInfo>> kTransactionInfoTable{
    "transactionInfoTable"};
inline constexpr TableSpec<StringCodec, StringCodec> kMetaTable{"metaTable"};
// Service name -> serialized configuration of an OM stateful service (seed 002).
inline constexpr TableSpec<StringCodec, BytesCodec> kStatefulServiceConfigTable{
    "statefulServiceConfigTable"};

inline constexpr TableSpec<StringCodec, ProtoCodec<RetryCacheEntry>> kRetryCacheTable{
    "retryCacheTable"};

const storage::DBDefinition& OmDbDefinition();

}  // namespace ozone::om
