// `ozone admin om lifecycle set|start|stop|status|clear`: the configuration of the OM's stateful
// KeyLifecycleService (om/service/key_lifecycle_service.h), read with GetServiceConfiguration and
// saved with a conditional SetServiceConfiguration (expectedConfiguration), so that neither a
// user's change nor the leader's progress save overwrites the other.
#include "tools/admin/om_lifecycle_admin.h"

#include <chrono>
#include <functional>
#include <ostream>

#include "common/config/units.h"
#include "common/json/jackson_printer.h"
#include "tools/admin/om_admin_client.h"

namespace ozone::tools::admin {

namespace {

constexpr char kLifecycleService[] = "KeyLifecycleService";

struct SavedLifecycle {
  std::string bytes;  // as saved ("" when none)
  om::KeyLifecycleConfiguration configuration;
};

Result<SavedLifecycle> ReadLifecycle(OmAdminClient& client) {
  om::OMRequest req;
  req.set_cmdtype(om::GetServiceConfiguration);
  req.mutable_getserviceconfigurationrequest()->set_servicename(kLifecycleService);
  OZ_ASSIGN_OR_RETURN(om::OMResponse r, client.Submit(std::move(req)));
  SavedLifecycle saved{r.getserviceconfigurationresponse().configuration(), {}};
  if (!saved.configuration.ParseFromString(saved.bytes)) {
    return Status::Corruption("the saved KeyLifecycleService configuration does not parse");
  }
  return saved;
}

Status WriteLifecycle(OmAdminClient& client, const om::KeyLifecycleConfiguration& c) {
  om::OMRequest req;
  req.set_cmdtype(om::SetServiceConfiguration);
  auto* s = req.mutable_setserviceconfigurationrequest();
  s->set_servicename(kLifecycleService);
  s->set_configuration(c.SerializeAsString());
  return client.Submit(std::move(req)).status();
}

// Read, change, save only if nobody saved meanwhile (the leader's service saves its progress
// after every run): else read again.
Status UpdateLifecycle(OmAdminClient& client,
                       const std::function<void(om::KeyLifecycleConfiguration&)>& change) {
  constexpr int kAttempts = 20;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    OZ_ASSIGN_OR_RETURN(SavedLifecycle saved, ReadLifecycle(client));
    change(saved.configuration);
    om::OMRequest req;
    req.set_cmdtype(om::SetServiceConfiguration);
    auto* s = req.mutable_setserviceconfigurationrequest();
    s->set_servicename(kLifecycleService);
    s->set_configuration(saved.configuration.SerializeAsString());
    s->set_expectedconfiguration(saved.bytes);
    OZ_ASSIGN_OR_RETURN(om::OMResponse r, client.Answer(std::move(req)));
    if (r.status() == om::OK) return Status::OK();
    if (r.status() != om::SERVICE_CONFIGURATION_CHANGED) {
      return Status::FailedPrecondition(om::Status_Name(r.status()) + " " + r.message());
    }
  }
  return Status::Aborted("SERVICE_CONFIGURATION_CHANGED the KeyLifecycleService configuration "
                         "kept changing; try again");
}

void PrintLifecycle(const om::KeyLifecycleConfiguration& c, std::ostream& out) {
  json::Json rules = json::Json::array();
  for (const auto& r : c.rules()) {
    rules.push_back(json::Json{{"id", r.id()},
                               {"volume", r.volumename()},
                               {"bucket", r.bucketname()},
                               {"prefix", r.prefix()},
                               {"expireAfterMillis", r.expireaftermillis()}});
  }
  out << json::PrettyPrint(json::Json{{"service", kLifecycleService},
                                      {"running", c.shouldrun()},
                                      {"rules", rules},
                                      {"resumeAfterKey", c.resumeafterkey()},
                                      {"completedPasses", c.completedpasses()},
                                      {"expiredKeys", c.expiredkeys()}})
      << "\n";
}

}  // namespace

void RegisterOmLifecycle(CLI::App* om, ActionSlot& slot) {
  CLI::App* lc = om->add_subcommand(
      "lifecycle", "Configure the KeyLifecycleService (expires keys by rule; runs on the leader)");
  lc->require_subcommand(1);

  {
    struct Args {
      OmArgs om;
      std::string volume, bucket, prefix, expire_after, id;
    };
    auto a = std::make_shared<Args>();
    CLI::App* set = lc->add_subcommand("set", "Add or replace a rule (by id)");
    AddOmOptions(set, &a->om);
    set->add_option("--volume", a->volume, "Volume of the keys")->required();
    set->add_option("--bucket", a->bucket, "Bucket of the keys")->required();
    set->add_option("--prefix", a->prefix, "Key name prefix (default: every key)");
    set->add_option("--expire-after", a->expire_after,
                    "Age after which keys are deleted (7d, 12h, 30s, ...)")
        ->required();
    set->add_option("--id", a->id, "Rule id (default: <volume>/<bucket>/<prefix>)");
    OnInvoke(set, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto age,
                          config::ParseDuration(a->expire_after, config::TimeUnit::kMilliseconds));
      OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, a->om));
      std::string id = a->id.empty() ? a->volume + "/" + a->bucket + "/" + a->prefix : a->id;
      OZ_RETURN_IF_ERROR(UpdateLifecycle(*client, [&](om::KeyLifecycleConfiguration& c) {
        om::KeyLifecycleRule* rule = nullptr;
        for (auto& r : *c.mutable_rules()) {
          if (r.id() == id) rule = &r;
        }
        if (rule == nullptr) rule = c.add_rules();
        rule->set_id(id);
        rule->set_volumename(a->volume);
        rule->set_bucketname(a->bucket);
        rule->set_prefix(a->prefix);
        rule->set_expireaftermillis(static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(age).count()));
        c.clear_resumeafterkey();
      }));
      ctx.out() << "Lifecycle rule " << id << " set.\n";
      return Status::OK();
    });
  }
  for (bool start : {true, false}) {
    auto a = std::make_shared<OmArgs>();
    CLI::App* app = lc->add_subcommand(start ? "start" : "stop",
                                       start ? "Start the KeyLifecycleService (persisted)"
                                             : "Stop the KeyLifecycleService (persisted)");
    AddOmOptions(app, a.get());
    OnInvoke(app, &slot, [a, start](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, *a));
      OZ_RETURN_IF_ERROR(UpdateLifecycle(
          *client, [start](om::KeyLifecycleConfiguration& c) { c.set_shouldrun(start); }));
      ctx.out() << "KeyLifecycleService " << (start ? "started" : "stopped") << ".\n";
      return Status::OK();
    });
  }
  {
    auto a = std::make_shared<OmArgs>();
    CLI::App* clear = lc->add_subcommand("clear", "Remove every rule and stop the service");
    AddOmOptions(clear, a.get());
    OnInvoke(clear, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, *a));
      OZ_RETURN_IF_ERROR(WriteLifecycle(*client, om::KeyLifecycleConfiguration()));
      ctx.out() << "KeyLifecycleService configuration cleared.\n";
      return Status::OK();
    });
  }
  {
    auto a = std::make_shared<OmArgs>();
    CLI::App* status = lc->add_subcommand("status", "Print the configuration and progress");
    AddOmOptions(status, a.get());
    OnInvoke(status, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, *a));
      OZ_ASSIGN_OR_RETURN(SavedLifecycle saved, ReadLifecycle(*client));
      PrintLifecycle(saved.configuration, ctx.out());
      return Status::OK();
    });
  }
}

}  // namespace ozone::tools::admin
