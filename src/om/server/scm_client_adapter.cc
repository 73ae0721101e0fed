#include "om/server/scm_client_adapter.h"

namespace ozone::om {

Result<std::vector<AllocatedBlock>> ScmClientAdapter::AllocateBlocks(
    uint64_t block_size, uint32_t count, const ReplicationConfig& replication,
    const std::string& owner, const ExcludeList& exclude) {
  if (replication.type == hdds::EC) {
    return ozone::Status::NotSupported("EC block allocation is not supported by this SCM client");
  }
  scm::ExcludeList ex;
  for (const auto& dn : exclude.datanodes()) ex.add_datanodes(dn);
  for (int64_t c : exclude.containerids()) ex.add_containerids(c);
  for (const auto& p : exclude.pipelineids()) *ex.add_pipelineids() = p;
  OZ_ASSIGN_OR_RETURN(std::vector<scm::AllocatedBlock> blocks,
                      client_->AllocateBlocks(block_size, count, replication.type,
                                              replication.factor, owner, ex));
  std::vector<AllocatedBlock> out;
  out.reserve(blocks.size());
  for (auto& b : blocks) {
    AllocatedBlock a;
    a.block_id = std::move(*b.mutable_containerblockid());
    a.pipeline = std::move(*b.mutable_pipeline());
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<std::string>> ScmClientAdapter::DeleteKeyBlocks(
    const std::vector<KeyBlockGroup>& groups) {
  std::vector<scm::KeyBlocks> keys;
  keys.reserve(groups.size());
  for (const KeyBlockGroup& g : groups) {
    scm::KeyBlocks k;
    k.set_key(g.key);
    for (const auto& b : g.blocks) *k.add_blocks() = b;
    keys.push_back(std::move(k));
  }
  return client_->DeleteKeyBlocks(keys);
}

}  // namespace ozone::om
