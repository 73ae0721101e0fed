// `ozone admin container list|info|create|close`.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>

#include "tools/admin/admin_commands.h"
#include "tools/admin/admin_format.h"
#include "tools/admin/scm_client_options.h"

namespace ozone::tools::admin {

namespace {

Result<hdds::ReplicationFactor> ParseFactor(const std::string& text) {
  if (text == "ONE" || text == "1") return hdds::ONE;
  if (text == "THREE" || text == "3") return hdds::THREE;
  return Status::InvalidArgument("Invalid replication factor: " + text);
}

Result<hdds::ReplicationType> ParseType(const std::string& text) {
  hdds::ReplicationType t;
  if (!hdds::ReplicationType_Parse(text, &t)) {
    return Status::InvalidArgument("Invalid replication type: " + text);
  }
  return t;
}

}  // namespace

void RegisterContainerAdmin(CLI::App& admin, ActionSlot& slot) {
  CLI::App* container = admin.add_subcommand("container", "Container specific operations");
  container->require_subcommand(1);

  {
    struct Args {
      ScmClientArgs client;
      int64_t start = 0;
      uint32_t count = 20;
      std::string state;
      bool all = false;
      std::string type;
      std::string factor;
    };
    auto a = std::make_shared<Args>();
    CLI::App* list = container->add_subcommand("list", "List containers");
    AddScmClientOptions(list, &a->client);
    list->add_option("-s,--start", a->start, "Container id to start the iteration");
    list->add_option("-c,--count", a->count, "Maximum number of containers to list");
    list->add_flag("-a,--all", a->all, "List all containers");
    list->add_option("--state", a->state,
                     "Container state(OPEN, CLOSING, QUASI_CLOSED, CLOSED, DELETING, DELETED)");
    list->add_option("-t,--type", a->type, "Replication type (RATIS, EC)");
    list->add_option("-r,--replication,--factor", a->factor, "Replication factor (ONE, THREE)");
    OnInvoke(list, &slot, [a](CommandContext& ctx) -> Status {
      scm::ListContainersRequest req;
      req.set_startcontainerid(a->start);
      req.set_count(a->all ? 1000 : a->count);
      if (!a->state.empty()) {
        hdds::LifeCycleState st;
        if (!hdds::LifeCycleState_Parse(a->state, &st)) {
          return Status::InvalidArgument("Invalid container state: " + a->state);
        }
        req.set_state(st);
      }
      if (!a->type.empty()) {
        OZ_ASSIGN_OR_RETURN(auto t, ParseType(a->type));
        req.set_type(t);
      }
      if (!a->factor.empty()) {
        OZ_ASSIGN_OR_RETURN(auto f, ParseFactor(a->factor));
        req.set_factor(f);
      }
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      json::Json all = json::Json::array();
      while (true) {
        OZ_ASSIGN_OR_RETURN(auto resp, client->ListContainers(req));
        for (const auto& c : resp.containers()) all.push_back(ContainerJson(c));
        if (!a->all || resp.containers().empty()) break;
        req.set_startcontainerid(resp.containers().rbegin()->containerid() + 1);
      }
      ctx.out() << json::PrettyPrint(all) << "\n";
      return Status::OK();
    });
  }

  {
    struct Args {
      ScmClientArgs client;
      int64_t id = 0;
      bool json = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* info =
        container->add_subcommand("info", "Show information about a specific container");
    AddScmClientOptions(info, &a->client);
    info->add_option("containerId", a->id, "Container ID")->required();
    info->add_flag("--json", a->json, "Format output as JSON");
    OnInvoke(info, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      OZ_ASSIGN_OR_RETURN(auto c, client->GetContainer(a->id));
      const auto& ci = c.containerinfo();
      if (a->json) {
        json::Json j = json::Json::object();
        j["containerInfo"] = ContainerJson(ci);
        if (c.has_pipeline()) j["pipeline"] = json::Json{{"id", PipelineIdText(c.pipeline().id())}};
        json::Json replicas = json::Json::array();
        for (const auto& r : c.replicas()) {
          replicas.push_back(json::Json{{"containerId", ci.containerid()},
                                        {"state", ReplicaStateText(r.state())},
                                        {"datanodeDetails", DatanodeShortText(r.datanode())},
                                        {"keyCount", r.keycount()},
                                        {"bytesUsed", r.used()},
                                        {"sequenceId", r.sequenceid()}});
        }
        j["replicas"] = replicas;
        ctx.out() << json::PrettyPrint(j) << "\n";
        return Status::OK();
      }
      ctx.out() << "Container id: " << ci.containerid() << "\n";
      if (c.has_pipeline())
        ctx.out() << "Pipeline id: " << PipelineIdText(c.pipeline().id()) << "\n";
      if (ci.has_pipelineid()) {
        ctx.out() << "Write PipelineId: " << PipelineIdText(ci.pipelineid()) << "\n";
        if (c.has_pipeline() && c.pipeline().has_state()) {
          ctx.out() << "Write Pipeline State: " << PipelineStateText(c.pipeline().state()) << "\n";
        }
      }
      ctx.out() << "Container State: " << hdds::LifeCycleState_Name(ci.state()) << "\n";
      std::string dns;
      if (c.has_pipeline()) {
        for (const auto& dn : c.pipeline().members()) {
          if (!dns.empty()) dns += ",\n";
          dns += DatanodeShortText(dn);
        }
      }
      ctx.out() << "Datanodes: [" << dns << "]\n";
      std::string replicas;
      for (const auto& r : c.replicas()) {
        if (!replicas.empty()) replicas += ",\n";
        replicas += "State: " + ReplicaStateText(r.state()) +
                    "; ReplicaIndex: 0; Origin: " + r.datanode().uuid() +
                    "; Location: " + DatanodeShortText(r.datanode());
      }
      ctx.out() << "Replicas: [" << replicas << "]\n";
      return Status::OK();
    });
  }

  {
    struct Args {
      ScmClientArgs client;
      std::string owner = "OZONE";
      std::string type = "RATIS";
      std::string factor = "ONE";
    };
    auto a = std::make_shared<Args>();
    CLI::App* create = container->add_subcommand("create", "Create container");
    AddScmClientOptions(create, &a->client);
    create->add_option("-o,--owner", a->owner, "Owner of the new container");
    create->add_option("-t,--replication-type,--type", a->type, "Replication type");
    create->add_option("-f,--replication-factor,--factor,-r,--replication", a->factor,
                       "Replication factor (ONE, THREE)");
    OnInvoke(create, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto t, ParseType(a->type));
      OZ_ASSIGN_OR_RETURN(auto f, ParseFactor(a->factor));
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      OZ_ASSIGN_OR_RETURN(auto c, client->CreateContainer(t, f, a->owner));
      ctx.out() << "Container " << c.containerinfo().containerid() << " is created.\n";
      return Status::OK();
    });
  }

  {
    struct Args {
      ScmClientArgs client;
      int64_t id = 0;
    };
    auto a = std::make_shared<Args>();
    CLI::App* close = container->add_subcommand("close", "close container");
    AddScmClientOptions(close, &a->client);
    close->add_option("containerId", a->id, "Id of the container to close")->required();
    OnInvoke(close, &slot, [a](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(auto client, MakeScmClient(ctx, a->client));
      return client->CloseContainer(a->id);
    });
  }
}

}  // namespace ozone::tools::admin
