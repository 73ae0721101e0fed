// `ozone admin om roles|transfer|prepare|cancelprepare|lifecycle|decommission`
// (reference/ozone-ha.md §3.11-3.12): requests to the OM
// leader of a service (`-id <svc>`, else the only configured one), sent as OMRequests over
// OzoneManagerService.Submit with rpc::FailoverClient (NotLeader hints followed, a leader not
// ready retried).
//   roles [--json|--table]                       Ozone's "om1 : LEADER (host)" lines, its JSON
//                                                array and its "Ozone Manager Roles" table
//   transfer -n <nodeId> | -r                    "Transfer leadership successfully to <id>."
//   prepare -id <svc>                            the Prepare request, then each OM's
//                                                PrepareStatus until PREPARE_COMPLETED ("OM
//                                                Preparation successful!"); writes are refused
//                                                from then on (NOT_SUPPORTED_OPERATION_WHEN_
//                                                PREPARED) until `cancelprepare` or `ozone om
//                                                --upgrade`
//   cancelprepare                                "Cancel prepare succeeded, cluster can now
//                                                accept write requests."
//   lifecycle set|start|stop|status|clear        the stateful KeyLifecycleService's configuration
//                                                (SetServiceConfiguration /
//                                                GetServiceConfiguration)
//   decommission -id <svc> --nodeid <id>         removes an OM from the ring (Ozone's
//     --node-host-address <host> [--force]       DecommissionOMSubcommand): the node id and host
//                                                must match the configuration; unless --force,
//                                                the node must be in
//                                                ozone.om.decommissioned.nodes.<svc> here and in
//                                                every active OM's re-read ozone-site.xml
//                                                (OzoneManagerAdminService.GetOMConfiguration);
//                                                then the leader removes it (Decommission).
//                                                "Successfully decommissioned OM <id>" /
//                                                "Failed to decommission OM <id>"
#include <google/protobuf/descriptor.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <functional>
#include <ostream>
#include <set>
#include <thread>

#include "common/config/ozone_keys.h"
#include "common/config/units.h"
#include "common/json/jackson_printer.h"
#include "common/net/resolve.h"
#include "common/strings.h"
#include "common/topology/ha_nodes.h"
#include "om.pb.h"
#include "rpc/failover_client.h"
#include "tools/admin/admin_commands.h"

namespace ozone::tools::admin {

namespace {

namespace keys = config::keys;

constexpr char kLifecycleService[] = "KeyLifecycleService";

struct OmArgs {
  std::string service_id;
};

void AddOmOptions(CLI::App* app, OmArgs* args) {
  app->add_option("--service-id,--om-service-id", args->service_id, "Ozone Manager Service ID");
}

// The OMs of the service the user means (Ozone's OmUtils / admin OM client rules).
Result<std::vector<topology::OmNodeDetails>> OmNodesOf(const config::Configuration& conf,
                                                       const std::string& service_id) {
  std::vector<std::string> ids = topology::OmServiceIds(conf);
  std::string svc = service_id;
  if (svc.empty()) {
    if (ids.size() > 1) {
      return Status::InvalidArgument(
          "There is no Ozone Manager service ID specified, but there are multiple service IDs "
          "configured (" + std::string(keys::kOmServiceIds.name) + "=" + strings::Join(ids, ",") +
          "): no Ozone Manager service ID specified; use -id <serviceId>");
    }
    if (ids.empty()) {
      OZ_ASSIGN_OR_RETURN(auto all, topology::AllOmNodes(conf));
      if (all.empty()) {
        return Status::InvalidArgument("Could not find any configured addresses for OM.");
      }
      return all;
    }
    svc = ids[0];
  } else if (std::find(ids.begin(), ids.end(), svc) == ids.end()) {
    return Status::InvalidArgument(
        "Service ID specified does not match with " + std::string(keys::kOmServiceIds.name) +
        " defined in the configuration. Configured " + std::string(keys::kOmServiceIds.name) +
        " are [" + strings::Join(ids, ",") + "]");
  }
  Result<std::vector<topology::OmNodeDetails>> nodes = topology::OmNodes(conf, svc);
  if (!nodes.ok() || nodes->empty()) {
    return Status::InvalidArgument("Could not find any configured addresses for OM. Please "
                                   "configure the system with " +
                                   std::string(keys::kOmNodesPrefix) + "." + svc);
  }
  return nodes;
}

// OzoneManagerService.Submit, found through the messages' file (no gRPC header here).
const google::protobuf::MethodDescriptor* SubmitMethod() {
  static const auto* m = om::OMRequest::descriptor()
                             ->file()
                             ->FindServiceByName("OzoneManagerService")
                             ->FindMethodByName("Submit");
  return m;
}

class OmAdminClient {
 public:
  static Result<std::unique_ptr<OmAdminClient>> Create(CommandContext& ctx, const OmArgs& args) {
    OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
    OZ_ASSIGN_OR_RETURN(auto nodes, OmNodesOf(*conf, args.service_id));
    std::vector<rpc::RpcEndpoint> endpoints;
    for (const auto& n : nodes) endpoints.push_back({n.node_id, n.rpc_address.ToString()});
    rpc::FailoverOptions fo;
    OZ_ASSIGN_OR_RETURN(fo.max_failovers, conf->GetInt(keys::kOmClientFailoverMaxAttempts));
    fo.max_failovers = std::min(fo.max_failovers, 20);  // ozone.om.admin.protocol.max.retries
    fo.retry_interval = std::chrono::milliseconds(1000);
    std::ostream* err = &ctx.err();
    fo.on_retry = [err](const std::string& line) { *err << line << "\n" << std::flush; };
    auto c = std::unique_ptr<OmAdminClient>(new OmAdminClient());
    c->client_ = std::make_unique<rpc::FailoverClient>(std::move(endpoints), fo);
    c->nodes_ = std::move(nodes);
    return c;
  }

  // The OMs of the service, in endpoint order (SubmitTo's index).
  const std::vector<topology::OmNodeDetails>& nodes() const { return nodes_; }

  // A unary call of another OM service to the leader.
  Status Call(const google::protobuf::MethodDescriptor* method,
              const google::protobuf::Message& request, google::protobuf::Message* response) {
    return client_->Call(method, request, response);
  }

  // The answer, whatever its status.
  Result<om::OMResponse> Answer(om::OMRequest request) {
    request.set_clientid("ozone-admin");
    om::OMResponse response;
    OZ_RETURN_IF_ERROR(client_->Call(SubmitMethod(), request, &response));
    return response;
  }

  // The answer if OK, else its status as an error.
  Result<om::OMResponse> Submit(om::OMRequest request) {
    OZ_ASSIGN_OR_RETURN(om::OMResponse response, Answer(std::move(request)));
    if (response.status() != om::OK) {
      return Status::FailedPrecondition(om::Status_Name(response.status()) + " " +
                                        response.message());
    }
    return response;
  }

  // One OM, no failover (each OM answers PrepareStatus for itself).
  Result<om::OMResponse> SubmitTo(size_t index, om::OMRequest request) {
    request.set_clientid("ozone-admin");
    om::OMResponse response;
    rpc::CallOutcome outcome = client_->CallEndpoint(index, SubmitMethod(), request, &response);
    OZ_RETURN_IF_ERROR(outcome.status);
    if (response.status() != om::OK) {
      return Status::FailedPrecondition(om::Status_Name(response.status()) + " " +
                                        response.message());
    }
    return response;
  }

 private:
  OmAdminClient() = default;
  std::unique_ptr<rpc::FailoverClient> client_;
  std::vector<topology::OmNodeDetails> nodes_;
};

std::string Center(const std::string& s, size_t width) {
  if (s.size() >= width) return s;
  size_t left = (width - s.size()) / 2;
  return std::string(left, ' ') + s + std::string(width - s.size() - left, ' ');
}

// Ozone's FormattingCLIUtils table: a title row, a header row, one row per OM.
void PrintTable(const std::string& title, const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& cells, std::ostream& out) {
  std::vector<size_t> widths;
  for (size_t c = 0; c < headers.size(); ++c) {
    size_t w = headers[c].size();
    for (const auto& row : cells) w = std::max(w, row[c].size());
    widths.push_back(w + 2);
  }
  size_t total = headers.size() - 1;
  for (size_t w : widths) total += w;
  std::string rule = "+";
  for (size_t w : widths) rule += std::string(w, '-') + "+";
  out << "+" << std::string(total, '-') << "+\n";
  out << "|" << Center(title, total) << "|\n";
  out << rule << "\n";
  auto line = [&](const std::vector<std::string>& row) {
    out << "|";
    for (size_t c = 0; c < row.size(); ++c) out << Center(row[c], widths[c]) << "|";
    out << "\n";
  };
  line(headers);
  out << rule << "\n";
  for (const auto& row : cells) line(row);
  out << rule << "\n";
}

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

void RegisterLifecycle(CLI::App* om, ActionSlot& slot) {
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

// OzoneManagerAdminService.<name> (Ozone's OMAdminProtocol), found through the messages' file.
const google::protobuf::MethodDescriptor* AdminMethod(const char* name) {
  return om::OMConfigurationRequest::descriptor()
      ->file()
      ->FindServiceByName("OzoneManagerAdminService")
      ->FindMethodByName(name);
}

struct DecommissionArgs {
  OmArgs om;
  std::string node_id;
  std::string host;
  bool force = false;
};

// Ozone's verifyNodeIdAndHostAddress: the node is configured and `host` is its host. Returns the
// host's address.
Result<std::string> VerifyNodeAndHost(const std::vector<topology::OmNodeDetails>& nodes,
                                      const DecommissionArgs& a) {
  auto it = std::find_if(nodes.begin(), nodes.end(),
                         [&](const topology::OmNodeDetails& n) { return n.node_id == a.node_id; });
  if (it == nodes.end()) {
    return Status::NotFound("There is no OM corresponding to " + a.node_id +
                            "in the configuration.");
  }
  OZ_ASSIGN_OR_RETURN(std::string given, net::ResolveHost(a.host));
  Result<std::string> configured = net::ResolveHost(it->rpc_address.host);
  if (!configured.ok() || *configured != given) {
    return Status::InvalidArgument(
        "OM " + a.node_id + "'s host address in config - " +
        (configured.ok() ? *configured : it->rpc_address.host) +
        " does not match the provided host address " + a.host + "/" + given);
  }
  return given;
}

// Ozone's verifyConfigUpdatedOnAllOMs: the node is decommissioned in this configuration and in
// every active OM's re-read one, with the same host.
Status VerifyConfigUpdatedOnAllOms(const config::Configuration& conf, const std::string& svc,
                                   const std::vector<topology::OmNodeDetails>& nodes,
                                   const DecommissionArgs& a, const std::string& address) {
  const std::string key = std::string(keys::kOmDecommissionedNodesPrefix) + "." + svc;
  const std::set<std::string> decommissioned = topology::DecommissionedOmNodeIds(conf, svc);
  if (decommissioned.count(a.node_id) == 0) {
    return Status::FailedPrecondition("Please add the to be decommissioned OM " + a.node_id +
                                      " to the " + key + " config in ozone-site.xml of all "
                                      "nodes.");
  }
  std::vector<topology::OmNodeDetails> active;
  for (const auto& n : nodes) {
    if (decommissioned.count(n.node_id) == 0) active.push_back(n);
  }
  if (active.empty()) {
    return Status::FailedPrecondition("Cannot decommission OM " + a.node_id +
                                      " as it is the only node in the ring.");
  }
  std::vector<std::string> stale;
  for (const auto& n : active) {
    rpc::FailoverOptions fo;
    fo.max_failovers = 0;
    fo.rpc_timeout = std::chrono::seconds(30);
    rpc::FailoverClient one({{n.node_id, n.rpc_address.ToString()}}, fo);
    om::OMConfigurationResponse r;
    rpc::CallOutcome c =
        one.CallEndpoint(0, AdminMethod("GetOMConfiguration"), om::OMConfigurationRequest(), &r);
    bool updated = false;
    if (c.status.ok() && r.success()) {
      for (const auto& info : r.nodesinnewconf()) {
        if (info.nodeid() != a.node_id || info.nodestate() != om::DECOMMISSIONED) continue;
        Result<std::string> there = net::ResolveHost(info.hostaddress());
        updated = there.ok() && *there == address;
      }
    }
    if (!updated) stale.push_back(n.node_id);
  }
  if (!stale.empty()) {
    return Status::FailedPrecondition(
        "OM(s) " + strings::Join(stale, ",") +
        " have not been updated with decommissioned nodes list or their address for the "
        "decommissioning node does not match");
  }
  return Status::OK();
}

Status Decommission(CommandContext& ctx, const DecommissionArgs& a) {
  OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
  OZ_ASSIGN_OR_RETURN(auto nodes, OmNodesOf(*conf, a.om.service_id));
  OZ_ASSIGN_OR_RETURN(std::string address, VerifyNodeAndHost(nodes, a));
  if (!a.force) {
    OZ_RETURN_IF_ERROR(VerifyConfigUpdatedOnAllOms(*conf, a.om.service_id, nodes, a, address));
  }
  OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, a.om));
  om::DecommissionOMRequest req;
  req.set_nodeid(a.node_id);
  req.set_nodeaddress(address);
  om::DecommissionOMResponse r;
  Status s = client->Call(AdminMethod("Decommission"), req, &r);
  if (s.ok() && !r.success()) s = Status::FailedPrecondition(r.errormsg());
  if (!s.ok()) {
    ctx.out() << "Failed to decommission OM " << a.node_id << "\n";
    return s;
  }
  ctx.out() << "Successfully decommissioned OM " << a.node_id << "\n";
  return Status::OK();
}

struct PrepareArgs {
  OmArgs om;
  uint64_t apply_wait_timeout_s = 120;
  uint64_t apply_check_interval_s = 5;
  uint64_t prepare_check_interval_s = 10;
  uint64_t prepare_timeout_s = 300;
};

// Ozone's PrepareSubCommand: the Prepare request to the leader, then each OM's PrepareStatus
// until all are PREPARE_COMPLETED (or the timeout; a majority is enough then).
Status PrepareOms(CommandContext& ctx, const PrepareArgs& a) {
  if (a.om.service_id.empty()) {
    return Status::InvalidArgument("Missing required option: '--service-id=<omServiceId>'");
  }
  OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, a.om));
  const std::vector<topology::OmNodeDetails>& nodes = client->nodes();
  om::OMRequest req;
  req.set_cmdtype(om::Prepare);
  auto* args = req.mutable_preparerequest()->mutable_args();
  args->set_txnapplywaittimeoutseconds(a.apply_wait_timeout_s);
  args->set_txnapplycheckintervalseconds(a.apply_check_interval_s);
  OZ_ASSIGN_OR_RETURN(om::OMResponse r, client->Submit(std::move(req)));
  const uint64_t txn = r.prepareresponse().txnid();
  ctx.out() << "Ozone Manager Prepare Request successfully returned with Transaction Id : ["
            << txn << "].\n";
  // Ozone names each OM by its host; OMs sharing a host are told apart by their port.
  std::set<std::string> hosts;
  for (const auto& n : nodes) hosts.insert(n.rpc_address.host);
  std::vector<std::string> names;
  for (const auto& n : nodes) {
    names.push_back(hosts.size() == nodes.size() ? n.rpc_address.host : n.rpc_address.ToString());
  }
  std::vector<bool> prepared(nodes.size(), false);
  size_t done = 0;
  ctx.out() << "\nChecking individual OM instances for prepare request completion...\n";
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(a.prepare_timeout_s);
  while (std::chrono::steady_clock::now() < end && done < nodes.size()) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (prepared[i]) continue;
      om::OMRequest status;
      status.set_cmdtype(om::PrepareStatus);
      status.mutable_preparestatusrequest()->set_txnid(txn);
      Result<om::OMResponse> s = client->SubmitTo(i, std::move(status));
      if (!s.ok()) {
        ctx.out() << "Exception while checking preparation completeness for [" << names[i]
                  << "], Error : [" << s.status().message() << "]\n";
        continue;
      }
      const auto& st = s->preparestatusresponse();
      ctx.out() << "OM : [" << names[i] << "], Prepare Status : ["
                << om::PrepareStatusResponse::PrepareStatus_Name(st.status())
                << "], Current Transaction Id : ["
                << static_cast<int64_t>(st.currenttxnindex()) << "]\n";
      if (st.status() == om::PrepareStatusResponse::PREPARE_COMPLETED) {
        prepared[i] = true;
        ++done;
      }
    }
    if (done < nodes.size()) {
      ctx.out() << "Waiting for " << a.prepare_check_interval_s << " seconds before retrying...\n"
                << std::flush;
      std::this_thread::sleep_for(std::chrono::seconds(a.prepare_check_interval_s));
    }
  }
  if (done < (nodes.size() + 1) / 2) {
    return Status::FailedPrecondition(
        "OM Preparation failed since a majority OMs are not prepared yet.");
  }
  ctx.out() << "\nOM Preparation successful! \n";
  if (done == nodes.size()) {
    ctx.out() << "All OMs are prepared\n";
  } else {
    std::string missing;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (!prepared[i]) missing += names[i];
    }
    ctx.out() << "A majority of OMs are prepared. OMs that are not prepared : " << missing
              << "\n";
  }
  ctx.out() << "No new write requests will be allowed until preparation is cancelled or "
               "upgrade/downgrade is done.\n";
  return Status::OK();
}

}  // namespace

void RegisterOmAdmin(CLI::App& admin, ActionSlot& slot) {
  CLI::App* om = admin.add_subcommand("om", "Ozone Manager specific admin operations");
  om->require_subcommand(1);

  // roles
  {
    struct Args {
      OmArgs om;
      bool json = false;
      bool table = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* roles =
        om->add_subcommand("roles", "List all OMs and their respective Ratis server roles");
    AddOmOptions(roles, &a->om);
    auto* j = roles->add_flag("--json", a->json, "Format output as JSON");
    auto* t = roles->add_flag("--table", a->table, "Format output as Table");
    j->excludes(t);
    OnInvoke(roles, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, a->om));
      om::OMRequest req;
      req.set_cmdtype(om::ServiceList);
      req.mutable_servicelistrequest();
      OZ_ASSIGN_OR_RETURN(om::OMResponse r, client->Submit(std::move(req)));
      json::Json all = json::Json::array();
      std::vector<std::vector<std::string>> cells;
      for (const auto& info : r.servicelistresponse().serviceinfo()) {
        if (info.nodetype() != "OM" || !info.has_omrole()) continue;
        const std::string& id = info.omrole().nodeid();
        const std::string& role = info.omrole().serverrole();
        if (a->json) {
          all.push_back(json::Json{{id, json::Json{{"serverRole", role},
                                                   {"hostname", info.hostname()}}}});
        } else if (a->table) {
          cells.push_back({info.hostname(), id, role});
        } else {
          ctx.out() << id << " : " << role << " (" << info.hostname() << ")\n";
        }
      }
      if (a->json) ctx.out() << json::PrettyPrint(all) << "\n";
      if (a->table) {
        PrintTable("Ozone Manager Roles", {"Host Name", "Node ID", "Role"}, cells, ctx.out());
      }
      return Status::OK();
    });
  }

  // transfer
  {
    struct Args {
      OmArgs om;
      std::string new_leader;
      bool random = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* transfer = om->add_subcommand("transfer", "Transfer the leadership of the OM ring");
    AddOmOptions(transfer, &a->om);
    auto* n = transfer->add_option("-n,--newLeaderId,--new-leader-id", a->new_leader,
                                   "The new leader id of the OM to transfer leadership to");
    auto* r = transfer->add_flag("-r,--random", a->random,
                                 "Transfer the leadership to a random follower");
    n->excludes(r);
    transfer->callback([n, r] {
      if (n->count() == 0 && r->count() == 0) {
        throw CLI::RequiredError(
            "Error: Missing required argument (specify one of these): (-n=<nodeId> | -r)");
      }
    });
    OnInvoke(transfer, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, a->om));
      om::OMRequest req;
      req.set_cmdtype(om::TransferLeadership);
      auto* t = req.mutable_transferomleadershiprequest();
      if (!a->random) t->set_newleaderid(a->new_leader);
      OZ_RETURN_IF_ERROR(client->Submit(std::move(req)).status());
      ctx.out() << "Transfer leadership successfully to "
                << (a->random ? std::string("random node") : a->new_leader) << ".\n";
      return Status::OK();
    });
  }

  // decommission
  {
    auto a = std::make_shared<DecommissionArgs>();
    CLI::App* decom = om->add_subcommand(
        "decommission",
        "Decommission an OzoneManager. Ensure that the node being decommissioned is shutdown "
        "first.\nNote - Add the node to be decommissioned to ozone.om.decommissioned.nodes config "
        "in ozone-site.xml of all OzoneManagers before proceeding with decommission.\nNote - "
        "DECOMMISSIONING AN OM MIGHT RENDER THE CLUSTER TO LOSE HIGH AVAILABILITY.\nNote - When "
        "there are only two OzoneManagers, do not stop the OzoneManager before decommissioning "
        "as both OzoneManagers are required to reach quorum.\nIt is recommended to add another "
        "OzoneManager(s) before decommissioning one to maintain HA.");
    decom->add_option("--service-id,--om-service-id", a->om.service_id,
                      "Ozone Manager Service ID")
        ->required();
    decom->add_option("--nodeid", a->node_id, "NodeID of the OM to be decommissioned.")
        ->required();
    decom->add_option("--node-host-address", a->host,
                      "Host name/address of the OM to be decommissioned.")
        ->required();
    decom->add_flag("--force", a->force,
                    "This option will skip checking whether OM configs have been updated with "
                    "the decommissioned node added to ozone.om.decommissioned.nodes config in "
                    "ozone-site.xml.");
    OnInvoke(decom, &slot, [a](CommandContext& ctx) { return Decommission(ctx, *a); });
  }

  // prepare
  {
    auto a = std::make_shared<PrepareArgs>();
    CLI::App* prepare = om->add_subcommand(
        "prepare",
        "Prepares Ozone Manager for upgrade/downgrade, by applying all pending transactions, "
        "taking a Ratis snapshot at the last transaction and purging all logs on each OM "
        "instance. The returned transaction #ID corresponds to the last transaction in the "
        "quorum in which the snapshot is taken.");
    AddOmOptions(prepare, &a->om);
    prepare->add_option("--transaction-apply-wait-timeout", a->apply_wait_timeout_s,
                        "Max time in SECONDS to wait for all transactions before the prepare "
                        "request to be applied to the OM DB.")
        ->group("");
    prepare->add_option("--transaction-apply-check-interval", a->apply_check_interval_s,
                        "Time in SECONDS to wait between successive checks for all "
                        "transactions to be applied to the OM DB.")
        ->group("");
    prepare->add_option("--prepare-check-interval", a->prepare_check_interval_s,
                        "Time in SECONDS to wait between successive checks for OM preparation.")
        ->group("");
    prepare->add_option("--prepare-timeout", a->prepare_timeout_s,
                        "Max time in SECONDS to wait for all OMs to be prepared")
        ->group("");
    OnInvoke(prepare, &slot, [a](CommandContext& ctx) { return PrepareOms(ctx, *a); });
  }

  // cancelprepare
  {
    auto a = std::make_shared<OmArgs>();
    CLI::App* cancel = om->add_subcommand("cancelprepare", "Cancel prepare state in the OMs.");
    AddOmOptions(cancel, a.get());
    OnInvoke(cancel, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, OmAdminClient::Create(ctx, *a));
      om::OMRequest req;
      req.set_cmdtype(om::CancelPrepare);
      req.mutable_cancelpreparerequest();
      OZ_RETURN_IF_ERROR(client->Submit(std::move(req)).status());
      ctx.out() << "Cancel prepare succeeded, cluster can now accept write requests.\n";
      return Status::OK();
    });
  }

  RegisterLifecycle(om, slot);
}

}  // namespace ozone::tools::admin
