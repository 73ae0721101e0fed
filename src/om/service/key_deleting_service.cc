#include "om/service/key_deleting_service.h"

#include <map>

#include "om/service/om_background_service.h"

namespace ozone::om {

KeyDeletingService::KeyDeletingService(const OmOptions* options,
                                       const OmMetadataManager* metadata, OmExecutionFlow* flow,
                                       ScmDeletedBlockClient* scm)
    : options_(options), metadata_(metadata), flow_(flow), scm_(scm) {}

Result<uint64_t> KeyDeletingService::RunOnce() {
  if (!flow_->Accepts(PurgeKeys)) return uint64_t{0};  // prepared: nothing to do until cancelled
  std::vector<KeyBlockGroup> groups;
  std::map<std::string, std::pair<std::string, std::string>> bucket_of;  // row -> (vol, bucket)
  {
    OZ_ASSIGN_OR_RETURN(auto lock, metadata_->ReadLock());
    OZ_RETURN_IF_ERROR(metadata_->deleted().Scan("", "", [&](const std::string& row,
                                                             const auto& value) {
      KeyBlockGroup group;
      group.key = row;
      for (const KeyInfo& key : value->keyinfo()) {
        bucket_of[row] = {key.volumename(), key.bucketname()};
        for (const auto& list : key.keylocationlist()) {
          for (const auto& loc : list.keylocations()) group.blocks.push_back(loc.blockid());
        }
      }
      groups.push_back(std::move(group));
      return groups.size() < options_->key_deleting_limit;
    }));
  }
  if (groups.empty()) return uint64_t{0};
  OZ_ASSIGN_OR_RETURN(std::vector<std::string> taken, scm_->DeleteKeyBlocks(groups));
  if (taken.empty()) return uint64_t{0};
  OMRequest request;
  request.set_cmdtype(PurgeKeys);
  std::map<std::pair<std::string, std::string>, DeletedKeys*> by_bucket;
  auto* purge = request.mutable_purgekeysrequest();
  for (const std::string& row : taken) {
    auto where = bucket_of[row];
    DeletedKeys*& group = by_bucket[where];
    if (group == nullptr) {
      group = purge->add_deletedkeys();
      group->set_volumename(where.first);
      group->set_bucketname(where.second);
    }
    group->add_keys(row);
  }
  OZ_ASSIGN_OR_RETURN(OMResponse response, flow_->Write(std::move(request)));
  if (response.status() != OK) {
    return ozone::Status::Internal("PurgeKeys: " + Status_Name(response.status()) + " " +
                                   response.message());
  }
  return static_cast<uint64_t>(taken.size());
}

std::shared_ptr<ha::BackgroundService> KeyDeletingService::MakeBackgroundService(
    const ha::HaContext* context, const Clock* clock) {
  return MakeOmBackgroundService(
      kKeyDeletingServiceName, options_->key_deleting_interval, context, clock,
      [this] { return RunOnce(); }, "purged", "deleted keys");
}

}  // namespace ozone::om
