// `ozone admin safemode status|exit|wait`. In HA every SCM evaluates safe mode on its own, so
// status asks each configured SCM (one line per SCM with its node id); exit asks each SCM to
// leave; wait polls until the SCMs that answer (a majority at least) are out of safe mode.
#include <CLI/CLI.hpp>
#include <chrono>
#include <ostream>
#include <thread>

#include "tools/admin/admin_commands.h"
#include "tools/admin/scm_client_options.h"

namespace ozone::tools::admin {

namespace {

struct NodeState {
  std::string address;
  std::string node_id;
  Result<scm::SafeModeStatusResponse> status = Status::Unavailable("not asked");
};

std::vector<NodeState> AskEach(client::ScmClient& c) {
  std::vector<NodeState> out;
  for (size_t i = 0; i < c.container_endpoint_count(); ++i) {
    const auto& ep = c.container_endpoint(i);
    out.push_back({ep.address, ep.node_id, c.GetSafeModeStatusOf(i)});
  }
  return out;
}

void PrintRules(const scm::SafeModeStatusResponse& s, std::ostream& out) {
  for (const auto& r : s.rules()) {
    out << "validated:" << (r.validated() ? "true" : "false") << ", " << r.rulename() << ", "
        << r.statustext() << "\n";
  }
}

}  // namespace

void RegisterSafeModeAdmin(CLI::App& admin, ActionSlot& slot) {
  CLI::App* sm = admin.add_subcommand("safemode", "Safe mode specific operations");
  sm->require_subcommand(1);

  {
    struct Args {
      ScmClientArgs client;
      bool verbose = false;
      bool all = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* status = sm->add_subcommand("status", "Check if SCM is in safe mode");
    AddScmClientOptions(status, &a->client);
    status->add_flag("--verbose", a->verbose, "Show detailed status of rules.");
    status->add_flag("--all", a->all, "Show the status of every SCM (the default in HA)");
    OnInvoke(status, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      auto nodes = AskEach(*client);
      if (!client->is_ha() || nodes.size() == 1) {
        OZ_RETURN_IF_ERROR(nodes[0].status.status());
        const auto& s = *nodes[0].status;
        ctx.out() << (s.insafemode() ? "SCM is in safe mode." : "SCM is out of safe mode.") << "\n";
        if (a->verbose) PrintRules(s, ctx.out());
        return Status::OK();
      }
      ctx.out() << "Service ID: " << client->service_id() << "\n";
      size_t answered = 0;
      for (const auto& n : nodes) {
        ctx.out() << n.address << " [" << n.node_id << "]: ";
        if (!n.status.ok()) {
          ctx.out() << "unreachable (" << n.status.status().message() << ")\n";
          continue;
        }
        ++answered;
        ctx.out() << (n.status->insafemode() ? "in safe mode" : "out of safe mode") << "\n";
        if (a->verbose) PrintRules(*n.status, ctx.out());
      }
      if (answered == 0) return Status::Unavailable("no SCM answered");
      return Status::OK();
    });
  }

  {
    auto a = std::make_shared<ScmClientArgs>();
    CLI::App* exit = sm->add_subcommand("exit", "Force SCM out of safe mode");
    AddScmClientOptions(exit, a.get());
    OnInvoke(exit, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, *a));
      size_t ok = 0;
      Status last;
      for (size_t i = 0; i < client->container_endpoint_count(); ++i) {
        Status s = client->ForceExitSafeModeOf(i);
        if (s.ok()) {
          ++ok;
        } else {
          last = s;
          ctx.err() << client->container_endpoint(i).node_id << ": " << s.message() << "\n";
        }
      }
      if (ok == 0) return last;
      ctx.out() << "SCM exit safe mode successfully.\n";
      return Status::OK();
    });
  }

  {
    struct Args {
      ScmClientArgs client;
      long timeout_secs = 30;
    };
    auto a = std::make_shared<Args>();
    CLI::App* wait = sm->add_subcommand("wait", "Wait until SCM is out of safe mode.");
    AddScmClientOptions(wait, &a->client);
    wait->add_option("-t,--timeout", a->timeout_secs,
                     "Timeout in seconds to wait until safe mode is ended.");
    OnInvoke(wait, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a->timeout_secs);
      while (true) {
        auto nodes = AskEach(*client);
        size_t answered = 0, out = 0;
        for (const auto& n : nodes) {
          if (!n.status.ok()) continue;
          ++answered;
          out += !n.status->insafemode();
        }
        if (answered > nodes.size() / 2 && out == answered) {
          ctx.out() << "SCM is out of safe mode.\n";
          return Status::OK();
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        ctx.err() << (answered == 0 ? "SCM is not available (yet?). Will retry in 1 sec."
                                    : "SCM is in safe mode. Waiting.")
                  << "\n";
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      return Status::Timeout("Safe mode is not ended within " + std::to_string(a->timeout_secs) +
                             " seconds.");
    });
  }
}

}  // namespace ozone::tools::admin
