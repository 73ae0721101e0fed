#include "tools/getconf/getconf_command.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "common/config/ozone_keys.h"
#include "common/topology/ha_nodes.h"

namespace ozone::tools {

namespace {

Status PrintConfKey(CommandContext& ctx, const std::string& key) {
  OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
  std::optional<std::string> value = conf->Get(key);
  if (!value) {
    if (const config::ConfigKey* known = config::keys::FindKey(key)) value = conf->Get(*known);
  }
  if (value) {
    ctx.out() << *value << "\n";
  } else {
    ctx.err() << "Configuration " << key << " is missing.\n";
  }
  return Status::OK();
}

Status PrintScms(CommandContext& ctx) {
  OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
  OZ_ASSIGN_OR_RETURN(auto nodes, topology::AllScmNodes(*conf));
  for (const auto& n : nodes) ctx.out() << n.host << "\n";
  return Status::OK();
}

Status PrintOms(CommandContext& ctx) {
  OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
  OZ_ASSIGN_OR_RETURN(auto nodes, topology::AllOmNodes(*conf));
  for (const auto& n : nodes) ctx.out() << n.rpc_address.host << "\n";
  return Status::OK();
}

}  // namespace

void RegisterGetconfCommand(CLI::App& root, ActionSlot& slot) {
  CLI::App* getconf =
      root.add_subcommand("getconf",
                          "ozone getconf is utility for getting configuration information from the "
                          "config file.");
  getconf->require_subcommand(1);

  auto key = std::make_shared<std::string>();
  CLI::App* conf_key =
      getconf->add_subcommand("confKey", "gets a specific key from the configuration");
  conf_key->add_option("key", *key, "configuration key")->required();
  OnInvoke(conf_key, &slot, [key](CommandContext& ctx) { return PrintConfKey(ctx, *key); });

  CLI::App* scms =
      getconf->add_subcommand("storagecontainermanagers",
                              "gets list of ozone storage container manager nodes in the cluster");
  OnInvoke(scms, &slot, PrintScms);

  CLI::App* oms = getconf->add_subcommand("ozonemanagers",
                                          "gets list of Ozone ozone-manager nodes in the cluster");
  OnInvoke(oms, &slot, PrintOms);
}

}  // namespace ozone::tools
