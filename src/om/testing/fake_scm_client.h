// FakeScmClient: SCM for OM tests: allocates blocks with increasing localIds in container 1 of a
// fixed pipeline (or fails like SCM in safe mode), and records the deleted-block groups it is
// given (taking all, or refusing the ones named).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "om/scm/scm_block_client.h"

namespace ozone::om::testing {

class FakeScmClient : public ScmBlockClient, public ScmDeletedBlockClient {
 public:
  Result<std::vector<AllocatedBlock>> AllocateBlocks(uint64_t block_size, uint32_t count,
                                                     const ReplicationConfig& replication,
                                                     const std::string& owner,
                                                     const ExcludeList& exclude) override;
  Result<std::vector<std::string>> DeleteKeyBlocks(
      const std::vector<KeyBlockGroup>& groups) override;

  // While true, AllocateBlocks fails as SCM in safe mode does.
  void SetSafeMode(bool on);
  // DeleteKeyBlocks refuses groups whose key is in `keys`.
  void RefuseDeletes(std::set<std::string> keys);

  uint64_t allocated() const;
  std::vector<KeyBlockGroup> deleted() const;

 private:
  mutable std::mutex mu_;
  bool safe_mode_ = false;               // guarded by mu_
  uint64_t next_local_id_ = 1;           // guarded by mu_
  std::set<std::string> refused_;        // guarded by mu_
  std::vector<KeyBlockGroup> deleted_;   // guarded by mu_
};

}  // namespace ozone::om::testing
