// `ozone admin scm roles|transfer|decommission|deletedBlocksTxn`.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>
#include <ostream>

#include "common/json/jackson_printer.h"
#include "tools/admin/admin_commands.h"
#include "tools/admin/scm_client_options.h"

namespace ozone::tools::admin {

namespace {

struct RoleRow {
  std::string host, port, role, id, ip;
};

// host:port of "host:port" (IPv6 literals bracketed).
std::pair<std::string, std::string> SplitAddress(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return {address, ""};
  return {address.substr(0, colon), address.substr(colon + 1)};
}

std::vector<RoleRow> RowsOf(const scm::GetScmInfoResponse& info) {
  std::vector<RoleRow> rows;
  for (const auto& r : info.peerroles()) {
    auto [host, port] = SplitAddress(r.address());
    // Ozone reports LEADER or FOLLOWER for every member.
    std::string role = r.role() == "LEADER" ? "LEADER" : "FOLLOWER";
    rows.push_back({host, port, role, r.id(), r.hostaddress()});
  }
  return rows;
}

std::string Center(const std::string& s, size_t width) {
  if (s.size() >= width) return s;
  size_t left = (width - s.size()) / 2;
  return std::string(left, ' ') + s + std::string(width - s.size() - left, ' ');
}

// Ozone's FormattingCLIUtils table: a title row, a header row, one row per member.
void PrintTable(const std::vector<RoleRow>& rows, std::ostream& out) {
  std::vector<std::string> headers = {"Host Name", "Ratis Port", "Role", "Node ID", "Host Address"};
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) cells.push_back({r.host, r.port, r.role, r.id, r.ip});
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
  const std::string title = "Storage Container Manager Roles";
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

// Ozone's JSON: an object keyed by host name (our deviation: by host:port when several members
// share a host, e.g. on one machine, where Ozone's map would keep only one of them).
void PrintJson(const std::vector<RoleRow>& rows, std::ostream& out) {
  std::map<std::string, int> hosts;
  for (const auto& r : rows) ++hosts[r.host];
  json::Json all = json::Json::object();
  for (const auto& r : rows) {
    std::string key = hosts[r.host] > 1 ? r.host + ":" + r.port : r.host;
    all[key] = json::Json{{"address", r.host + ":" + r.port},
                          {"raftPeerRole", r.role},
                          {"ID", r.id},
                          {"InetAddress", r.ip}};
  }
  out << json::PrettyPrint(all) << "\n";
}

}  // namespace

void RegisterScmAdmin(CLI::App& admin, ActionSlot& slot) {
  CLI::App* scm =
      admin.add_subcommand("scm", "Ozone Storage Container Manager specific admin operations");
  scm->require_subcommand(1);

  // roles
  {
    struct Args {
      ScmClientArgs client;
      bool json = false;
      bool table = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* roles =
        scm->add_subcommand("roles", "List all SCMs and their respective Ratis server roles");
    AddScmClientOptions(roles, &a->client);
    auto* j = roles->add_flag("--json", a->json, "Format output as JSON");
    auto* t = roles->add_flag("--table", a->table, "Format output as Table");
    j->excludes(t);
    OnInvoke(roles, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      OZ_ASSIGN_OR_RETURN(auto info, client->GetScmRoles());
      auto rows = RowsOf(info);
      if (a->json) {
        PrintJson(rows, ctx.out());
      } else if (a->table) {
        PrintTable(rows, ctx.out());
      } else {
        for (const auto& r : rows) {
          ctx.out() << r.host << ":" << r.port << ":" << r.role << ":" << r.id << ":" << r.ip
                    << "\n";
        }
      }
      return Status::OK();
    });
  }

  // transfer
  {
    struct Args {
      ScmClientArgs client;
      std::string new_leader;
      bool random = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* transfer = scm->add_subcommand("transfer", "Transfer the leadership of the SCM ring");
    AddScmClientOptions(transfer, &a->client);
    auto* n =
        transfer->add_option("-n,--newLeaderId,--new-leader-id", a->new_leader,
                             "The new leader id (scmUuid) of the SCM to transfer leadership to");
    auto* r = transfer->add_flag("-r,--random", a->random,
                                 "Transfer the leadership to a random follower");
    n->excludes(r);
    transfer->callback([transfer, n, r] {
      if (n->count() == 0 && r->count() == 0) {
        throw CLI::RequiredError(
            "Error: Missing required argument (specify one of these): (-n=<nodeId> | -r)");
      }
      (void)transfer;
    });
    OnInvoke(transfer, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      std::optional<std::string> target;
      if (!a->random) target = a->new_leader;
      OZ_RETURN_IF_ERROR(client->TransferLeadership(target).status());
      ctx.out() << "Transfer leadership successfully to "
                << (a->random ? std::string("random node") : a->new_leader) << ".\n";
      return Status::OK();
    });
  }

  // decommission
  {
    struct Args {
      ScmClientArgs client;
      std::string node_id;
    };
    auto a = std::make_shared<Args>();
    CLI::App* decom = scm->add_subcommand("decommission",
                                          "Decommission SCM <scmid>. Includes removing from ratis "
                                          "ring and removing its certificate from certStore");
    AddScmClientOptions(decom, &a->client);
    decom->add_option("--nodeid", a->node_id, "NodeID of the SCM to be decommissioned.")
        ->required();
    OnInvoke(decom, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      Status s = client->RemoveScm(a->node_id);
      if (!s.ok()) {
        return Status::FailedPrecondition("Error decommissioning Scm " + a->node_id + ", " +
                                          s.message());
      }
      ctx.out() << "Decommissioned Scm " << a->node_id << "\n";
      return Status::OK();
    });
  }

  // deletedBlocksTxn summary
  {
    CLI::App* txn = scm->add_subcommand("deletedBlocksTxn",
                                        "SCM deleted blocks transaction specific operations");
    txn->require_subcommand(1);
    struct Args {
      ScmClientArgs client;
      bool json = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* summary =
        txn->add_subcommand("summary", "Get the summary of the deleted blocks transactions");
    AddScmClientOptions(summary, &a->client);
    summary->add_flag("--json", a->json, "Format output as JSON");
    OnInvoke(summary, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      OZ_ASSIGN_OR_RETURN(auto s, client->GetDeletedBlocksTxnSummary());
      if (a->json) {
        ctx.out() << json::PrettyPrint(
                         json::Json{{"totalTransactionCount", s.totaltransactioncount()},
                                    {"totalBlockCount", s.totalblockcount()},
                                    {"totalBlockSize", s.totalblocksize()},
                                    {"totalBlockReplicatedSize", s.totalblockreplicatedsize()}})
                  << "\n";
        return Status::OK();
      }
      ctx.out() << "DeletedBlocksTransaction summary:\n"
                << "  Total number of transactions: " << s.totaltransactioncount() << "\n"
                << "  Total number of blocks: " << s.totalblockcount() << "\n"
                << "  Total size of blocks: " << s.totalblocksize() << "\n"
                << "  Total replicated size of blocks: " << s.totalblockreplicatedsize() << "\n";
      return Status::OK();
    });
  }
}

}  // namespace ozone::tools::admin
