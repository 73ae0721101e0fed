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
#include <ostream>
#include <set>
#include <thread>

#include "common/config/ozone_keys.h"
#include "common/json/jackson_printer.h"
#include "common/net/resolve.h"
#include "common/strings.h"
#include "common/topology/ha_nodes.h"
#include "om.pb.h"
#include "rpc/failover_client.h"
#include "tools/admin/admin_commands.h"
#include "tools/admin/om_admin_client.h"
#include "tools/admin/om_lifecycle_admin.h"

namespace ozone::tools::admin {

namespace {

namespace keys = config::keys;

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

  RegisterOmLifecycle(om, slot);
}

}  // namespace ozone::tools::admin
