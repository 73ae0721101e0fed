#include "om/service/key_lifecycle_service.h"

#include <algorithm>

#include "om/metadata/om_db_keys.h"
#include "om/service/om_background_service.h"

namespace ozone::om {

namespace {

struct Range {
  std::string lower, upper;
  const KeyLifecycleRule* rule;
};

}  // namespace

KeyLifecycleService::KeyLifecycleService(const OmOptions* options,
                                         const OmMetadataManager* metadata,
                                         OmExecutionFlow* flow, OmServiceConfigStore* store,
                                         const Clock* clock)
    : options_(options), metadata_(metadata), flow_(flow), store_(store), clock_(clock) {}

ozone::Status KeyLifecycleService::Configure(const KeyLifecycleConfiguration& configuration) {
  return store_->Save(kKeyLifecycleServiceName, configuration.SerializeAsString());
}

Result<KeyLifecycleService::Saved> KeyLifecycleService::Read() const {
  OZ_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_->Read(kKeyLifecycleServiceName));
  Saved saved{bytes.value_or(""), {}};
  if (!saved.configuration.ParseFromString(saved.bytes)) {
    return ozone::Status::Corruption("the saved KeyLifecycleService configuration does not parse");
  }
  return saved;
}

Result<KeyLifecycleConfiguration> KeyLifecycleService::configuration() const {
  OZ_ASSIGN_OR_RETURN(Saved saved, Read());
  return std::move(saved.configuration);
}

Result<uint64_t> KeyLifecycleService::RunOnce() {
  if (!flow_->Accepts(DeleteKey)) return uint64_t{0};  // prepared: nothing to do until cancelled
  OZ_ASSIGN_OR_RETURN(Saved saved, Read());
  const KeyLifecycleConfiguration& config = saved.configuration;
  if (!config.shouldrun() || config.rules_size() == 0) return uint64_t{0};
  std::vector<Range> ranges;
  for (const auto& rule : config.rules()) {
    std::string lower = BucketDbKey(rule.volumename(), rule.bucketname()) + kOmKeyPrefix +
                        rule.prefix();
    ranges.push_back({lower, PrefixEnd(lower), &rule});
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.lower < b.lower; });

  uint64_t now = static_cast<uint64_t>(clock_->WallMillis());
  std::vector<KeyInfo> expired;
  std::string last;
  uint32_t scanned = 0;
  bool finished = true;
  {
    OZ_ASSIGN_OR_RETURN(auto lock, metadata_->ReadLock());
    for (const Range& r : ranges) {
      std::string lower = r.lower;
      if (!config.resumeafterkey().empty()) {
        std::string after = config.resumeafterkey();
        after.push_back('\0');
        lower = std::max(lower, after);
      }
      if (!r.upper.empty() && lower >= r.upper) continue;
      OZ_RETURN_IF_ERROR(metadata_->keys().Scan(lower, r.upper, [&](const std::string& row,
                                                                    const auto& key) {
        if (scanned >= options_->lifecycle_scan_limit) {
          finished = false;
          return false;
        }
        ++scanned;
        last = row;
        if (key->modificationtime() + r.rule->expireaftermillis() < now) expired.push_back(*key);
        return true;
      }));
      if (!finished) break;
    }
  }
  uint64_t deleted = 0;
  for (const KeyInfo& key : expired) {
    OMRequest request;
    request.set_cmdtype(DeleteKey);
    KeyArgs* args = request.mutable_deletekeyrequest()->mutable_keyargs();
    args->set_volumename(key.volumename());
    args->set_bucketname(key.bucketname());
    args->set_keyname(key.keyname());
    OZ_ASSIGN_OR_RETURN(OMResponse response, flow_->Write(std::move(request)));
    if (response.status() == OK) ++deleted;
  }
  // Save the progress, unless a user changed the configuration meanwhile (then it is dropped).
  KeyLifecycleConfiguration next = config;
  if (finished) {
    next.set_resumeafterkey("");
    next.set_completedpasses(config.completedpasses() + 1);
  } else {
    next.set_resumeafterkey(last);
  }
  next.set_expiredkeys(config.expiredkeys() + deleted);
  ozone::Status progress =
      store_->SaveIf(kKeyLifecycleServiceName, saved.bytes, next.SerializeAsString());
  if (!progress.ok() && !progress.IsAborted()) return progress;
  return deleted;
}

std::shared_ptr<ha::BackgroundService> KeyLifecycleService::MakeBackgroundService(
    const ha::HaContext* context) {
  return MakeOmBackgroundService(
      kKeyLifecycleServiceName, options_->lifecycle_interval, context, clock_,
      [this] { return RunOnce(); }, "expired", "keys");
}

}  // namespace ozone::om
