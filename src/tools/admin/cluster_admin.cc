// `ozone admin pipeline list`, `datanode list`, `containerbalancer start|stop|status`,
// `replicationmanager start|stop|status`.
#include <CLI/CLI.hpp>
#include <ostream>

#include "common/json/proto_json.h"
#include "tools/admin/admin_commands.h"
#include "tools/admin/admin_format.h"
#include "tools/admin/scm_client_options.h"

namespace ozone::tools::admin {

namespace {

void RegisterPipeline(CLI::App& admin, ActionSlot& slot) {
  CLI::App* pipeline = admin.add_subcommand("pipeline", "Pipeline specific operations");
  pipeline->require_subcommand(1);
  struct Args {
    ScmClientArgs client;
    std::string state;
    std::string type;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* list = pipeline->add_subcommand("list", "List all active pipelines");
  AddScmClientOptions(list, &a->client);
  list->add_option("-s,--state", a->state, "Filter listed pipelines by State, eg OPEN, CLOSED");
  list->add_option("-t,--type", a->type, "Filter by replication type, eg RATIS, EC");
  list->add_flag("--json", a->json, "Format output as JSON");
  OnInvoke(list, &slot, [a](CommandContext& ctx) -> Status {
    scm::ListPipelinesRequest req;
    if (!a->state.empty()) {
      hdds::PipelineState st;
      if (!hdds::PipelineState_Parse("PIPELINE_" + a->state, &st) &&
          !hdds::PipelineState_Parse(a->state, &st)) {
        return Status::InvalidArgument("Invalid pipeline state: " + a->state);
      }
      req.set_state(st);
    }
    if (!a->type.empty()) {
      hdds::ReplicationType t;
      if (!hdds::ReplicationType_Parse(a->type, &t)) {
        return Status::InvalidArgument("Invalid replication type: " + a->type);
      }
      req.set_type(t);
    }
    OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
    OZ_ASSIGN_OR_RETURN(auto pipelines, client->ListPipelines(req));
    if (a->json) {
      json::Json all = json::Json::array();
      for (const auto& p : pipelines) all.push_back(json::ProtoToJson(p));
      ctx.out() << json::PrettyPrint(all) << "\n";
      return Status::OK();
    }
    for (const auto& p : pipelines) ctx.out() << PipelineText(p) << "\n";
    return Status::OK();
  });
}

void RegisterDatanode(CLI::App& admin, ActionSlot& slot) {
  CLI::App* datanode = admin.add_subcommand("datanode", "Datanode specific operations");
  datanode->require_subcommand(1);
  struct Args {
    ScmClientArgs client;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* list = datanode->add_subcommand("list", "List info of datanodes");
  AddScmClientOptions(list, &a->client);
  list->add_flag("--json", a->json, "Format output as JSON");
  OnInvoke(list, &slot, [a](CommandContext& ctx) -> Status {
    OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
    OZ_ASSIGN_OR_RETURN(auto nodes, client->ListDatanodes());
    OZ_ASSIGN_OR_RETURN(auto pipelines, client->ListPipelines());
    if (a->json) {
      json::Json all = json::Json::array();
      for (const auto& n : nodes) {
        all.push_back(json::Json{{"datanodeDetails", json::ProtoToJson(n.datanode())},
                                 {"opState", n.operationalstate()},
                                 {"healthState", n.nodestate()}});
      }
      ctx.out() << json::PrettyPrint(all) << "\n";
      return Status::OK();
    }
    for (const auto& n : nodes) {
      const auto& dn = n.datanode();
      std::string related;
      int count = 0;
      for (const auto& p : pipelines) {
        bool member = false;
        for (const auto& m : p.members()) member |= m.uuid() == dn.uuid();
        if (!member) continue;
        ++count;
        related += PipelineIdText(p.id()) + "/" + ReplicationText(p.type(), p.factor()) + "/" +
                   hdds::ReplicationType_Name(p.type()) + "/" + PipelineStateText(p.state()) + "/" +
                   (p.leaderid() == dn.uuid() ? "Leader" : "Follower") + "\n";
      }
      if (pipelines.empty()) {
        related = "No pipelines in cluster.";
      } else if (count == 0) {
        related = "No related pipelines or the node is not in Healthy state.\n";
      }
      std::string location = dn.networklocation().empty() ? "/default-rack" : dn.networklocation();
      ctx.out() << "Datanode: " << dn.uuid() << " (" << location << "/" << dn.ipaddress() << "/"
                << dn.hostname() << "/" << count << " pipelines)\n";
      ctx.out() << "Operational State: " << n.operationalstate() << "\n";
      ctx.out() << "Health State: " << n.nodestate() << "\n";
      ctx.out() << "Related pipelines:\n" << related << "\n";
    }
    return Status::OK();
  });
}

void RegisterBalancer(CLI::App& admin, ActionSlot& slot) {
  CLI::App* balancer =
      admin.add_subcommand("containerbalancer", "ContainerBalancer specific operations");
  balancer->require_subcommand(1);
  {
    struct Args {
      ScmClientArgs client;
      std::optional<double> threshold;
      std::optional<int> iterations;
      std::optional<int> max_datanodes_pct;
      std::optional<int64_t> max_move_gb;
      std::optional<int64_t> max_entering_gb;
      std::optional<int64_t> max_leaving_gb;
      std::optional<int64_t> interval_minutes;
    };
    auto a = std::make_shared<Args>();
    CLI::App* start = balancer->add_subcommand("start", "Start ContainerBalancer");
    AddScmClientOptions(start, &a->client);
    start->add_option("-t,--threshold", a->threshold,
                      "Percentage deviation from average utilization of the cluster after which a "
                      "datanode will be rebalanced");
    start->add_option("-i,--iterations", a->iterations,
                      "Maximum consecutive iterations that balancer will run for");
    start->add_option(
        "-d,--max-datanodes-percentage-to-involve-per-iteration,"
        "--maxDatanodesPercentageToInvolvePerIteration",
        a->max_datanodes_pct, "Max percentage of healthy, in service datanodes");
    start->add_option("-s,--max-size-to-move-per-iteration-in-gb,--maxSizeToMovePerIterationInGB",
                      a->max_move_gb, "Maximum size that can be moved per iteration");
    start->add_option("-e,--max-size-entering-target-in-gb,--maxSizeEnteringTargetInGB",
                      a->max_entering_gb, "Maximum size that can enter a target datanode");
    start->add_option("-l,--max-size-leaving-source-in-gb,--maxSizeLeavingSourceInGB",
                      a->max_leaving_gb, "Maximum size that can leave a source datanode");
    start->add_option("--balancing-iteration-interval-minutes", a->interval_minutes,
                      "The interval period in minutes between each iteration");
    OnInvoke(start, &slot, [a](CommandContext& ctx) -> Status {
      scm::StartContainerBalancerRequest req;
      if (a->threshold) req.set_threshold(*a->threshold);
      if (a->iterations) req.set_iterations(*a->iterations);
      if (a->max_datanodes_pct)
        req.set_maxdatanodespercentagetoinvolveperiteration(*a->max_datanodes_pct);
      if (a->max_move_gb) req.set_maxsizetomoveperiterationingb(*a->max_move_gb);
      if (a->max_entering_gb) req.set_maxsizeenteringtargetingb(*a->max_entering_gb);
      if (a->max_leaving_gb) req.set_maxsizeleavingsourceingb(*a->max_leaving_gb);
      if (a->interval_minutes) req.set_balancinginterval(*a->interval_minutes);
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      OZ_ASSIGN_OR_RETURN(auto resp, client->StartContainerBalancer(req));
      if (resp.start()) {
        ctx.out() << "Container Balancer started successfully.\n";
      } else {
        ctx.out() << "Failed To Start Container Balancer.\n";
        if (resp.has_message()) ctx.out() << "Failure reason: " << resp.message() << "\n";
      }
      return Status::OK();
    });
  }
  {
    auto a = std::make_shared<ScmClientArgs>();
    CLI::App* stop = balancer->add_subcommand("stop", "Stop ContainerBalancer");
    AddScmClientOptions(stop, a.get());
    OnInvoke(stop, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, *a));
      ctx.out() << "Sending stop command. Waiting for Container Balancer to stop...\n";
      OZ_RETURN_IF_ERROR(client->StopContainerBalancer());
      ctx.out() << "Container Balancer stopped.\n";
      return Status::OK();
    });
  }
  {
    struct Args {
      ScmClientArgs client;
      bool verbose = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* status =
        balancer->add_subcommand("status", "Check if ContainerBalancer is running or not");
    AddScmClientOptions(status, &a->client);
    status->add_flag("-v,--verbose", a->verbose, "Verbose output. Show current iteration info.");
    OnInvoke(status, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      OZ_ASSIGN_OR_RETURN(auto s, client->GetContainerBalancerStatus());
      ctx.out() << (s.isrunning() ? "ContainerBalancer is Running."
                                  : "ContainerBalancer is Not Running.")
                << "\n";
      if (a->verbose && s.has_configuration()) {
        ctx.out() << json::PrettyPrint(json::ProtoToJson(s.configuration())) << "\n";
        ctx.out() << "Iterations completed: " << s.iterationscompleted() << "\n";
      }
      return Status::OK();
    });
  }
}

void RegisterReplicationManager(CLI::App& admin, ActionSlot& slot) {
  CLI::App* rm =
      admin.add_subcommand("replicationmanager", "ReplicationManager specific operations");
  rm->require_subcommand(1);
  using Action = scm::ReplicationManagerRequest;
  auto start_args = std::make_shared<ScmClientArgs>();
  CLI::App* start = rm->add_subcommand("start", "Start ReplicationManager");
  AddScmClientOptions(start, start_args.get());
  OnInvoke(start, &slot, [start_args](CommandContext& ctx) -> Status {
    OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, *start_args));
    OZ_RETURN_IF_ERROR(client->ReplicationManager(Action::START).status());
    ctx.out() << "Starting ReplicationManager...\n";
    return Status::OK();
  });
  auto stop_args = std::make_shared<ScmClientArgs>();
  CLI::App* stop = rm->add_subcommand("stop", "Stop ReplicationManager");
  AddScmClientOptions(stop, stop_args.get());
  OnInvoke(stop, &slot, [stop_args](CommandContext& ctx) -> Status {
    OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, *stop_args));
    OZ_RETURN_IF_ERROR(client->ReplicationManager(Action::STOP).status());
    ctx.out() << "Stopping ReplicationManager...\n"
              << "Requested SCM to stop ReplicationManager, it might take sometime for the "
                 "ReplicationManager to stop.\n";
    return Status::OK();
  });
  auto status_args = std::make_shared<ScmClientArgs>();
  CLI::App* status = rm->add_subcommand("status", "Check if ReplicationManager is running or not");
  AddScmClientOptions(status, status_args.get());
  OnInvoke(status, &slot, [status_args](CommandContext& ctx) -> Status {
    OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, *status_args));
    OZ_ASSIGN_OR_RETURN(bool running, client->ReplicationManager(Action::STATUS));
    ctx.out() << (running ? "ReplicationManager is Running." : "ReplicationManager is Not Running.")
              << "\n";
    return Status::OK();
  });
}

}  // namespace

void RegisterClusterAdmin(CLI::App& admin, ActionSlot& slot) {
  RegisterPipeline(admin, slot);
  RegisterDatanode(admin, slot);
  RegisterBalancer(admin, slot);
  RegisterReplicationManager(admin, slot);
}

}  // namespace ozone::tools::admin
