// The schema of scm.db: Ozone's column family names (SCMDBDefinition) with the project's codecs.
// TableSpecs are the typed handles SCM code opens tables with; ScmDbDefinition() is the
// type-erased schema for DBStore::Open and `ozone debug ldb`.
//
// Thread-safety: immutable constants.
#pragma once

#include "hdds.pb.h"
#include "scm/metadata/scm_codecs.h"
#include "storage/db_definition.h"

namespace ozone::scm {

using storage::ProtoCodec;
using storage::StringCodec;
using storage::TableSpec;
using storage::Uint64Codec;

inline constexpr char kScmDbName[] = "scm.db";
// The key under which the applied (term, index) is stored in kTransactionInfoTable.
inline constexpr char kTransactionInfoKey[] = "#TRANSACTIONINFO";

inline constexpr TableSpec<ContainerIdCodec, ProtoCodec<hdds::ContainerInfoProto>> kContainers{
    "containers"};
inline constexpr TableSpec<PipelineIdCodec, ProtoCodec<hdds::Pipeline>> kPipelines{"pipelines"};
inline constexpr TableSpec<Uint64Codec, ProtoCodec<hdds::DeletedBlocksTransaction>> kDeletedBlocks{
    "deletedBlocks"};
// SequenceIdType name ("localId", "delTxnId", "containerId", ...) -> last allocated id.
inline constexpr TableSpec<StringCodec, Uint64Codec> kSequenceId{"sequenceId"};
inline constexpr TableSpec<StringCodec, ProtoCodec<hdds::TransactionInfo>> kTransactionInfoTable{
    "scmTransactionInfos"};
// Service name -> its serialized configuration (StatefulService).
inline constexpr TableSpec<StringCodec, storage::BytesCodec> kStatefulServiceConfig{
    "statefulServiceConfig"};
inline constexpr TableSpec<StringCodec, StringCodec> kMeta{"meta"};

const storage::DBDefinition& ScmDbDefinition();

}  // namespace ozone::scm
