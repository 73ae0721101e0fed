// ScmClientAdapter: what the OM core needs from SCM (om::ScmBlockClient for key opens,
// om::ScmDeletedBlockClient for the KeyDeletingService) over client::ScmClient, the SCM client
// with leader failover over the configured SCMs (Ozone's ScmBlockLocationProtocol client of the
// OM). Only messages are translated here; failover and errors are the client's.
//
// Thread-safety: all methods may be called from any thread, concurrently (as the client).
#pragma once

#include <memory>

#include "client/scm_client.h"
#include "om/scm/scm_block_client.h"

namespace ozone::om {

class ScmClientAdapter : public ScmBlockClient, public ScmDeletedBlockClient {
 public:
  explicit ScmClientAdapter(std::unique_ptr<client::ScmClient> client)
      : client_(std::move(client)) {}

  Result<std::vector<AllocatedBlock>> AllocateBlocks(uint64_t block_size, uint32_t count,
                                                     const ReplicationConfig& replication,
                                                     const std::string& owner,
                                                     const ExcludeList& exclude) override;
  Result<std::vector<std::string>> DeleteKeyBlocks(
      const std::vector<KeyBlockGroup>& groups) override;

  client::ScmClient& client() { return *client_; }

 private:
  std::unique_ptr<client::ScmClient> client_;
};

}  // namespace ozone::om
