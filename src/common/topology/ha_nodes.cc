#include "common/topology/ha_nodes.h"

#include "common/config/ozone_keys.h"
#include "common/strings.h"

namespace ozone::topology {

namespace keys = config::keys;
using config::ConfigKey;
using config::Configuration;

namespace {

std::string NodeKey(std::string_view key, const std::string& svc, const std::string& node) {
  return std::string(key) + "." + svc + "." + node;
}

std::string NodesKey(std::string_view prefix, const std::string& svc) {
  return std::string(prefix) + "." + svc;
}

Result<int> PortFor(const Configuration& conf, const ConfigKey& key, const std::string& svc,
                    const std::string& node) {
  OZ_ASSIGN_OR_RETURN(int port, conf.GetIntForNode(key, svc, node));
  if (port < 0 || port > 65535) {
    return Status::InvalidArgument(std::string(key.name) + " for " + svc + "." + node +
                                   " is not a port: " + std::to_string(port));
  }
  return port;
}

// `<address key>.<svc>.<node>` if set, else `<host>:<port key for the node>`.
Result<net::HostPort> AddressFor(const Configuration& conf, const ConfigKey& address_key,
                                 const ConfigKey& port_key, const std::string& svc,
                                 const std::string& node, const std::string& host) {
  OZ_ASSIGN_OR_RETURN(int port, PortFor(conf, port_key, svc, node));
  if (auto explicit_addr = conf.Get(NodeKey(address_key.name, svc, node))) {
    return net::ParseHostPort(*explicit_addr, port);
  }
  return net::HostPort{host, port};
}

Result<std::vector<std::string>> NodeIdsOf(const Configuration& conf, std::string_view prefix,
                                           const std::string& svc) {
  auto ids = conf.GetStrings(NodesKey(prefix, svc));
  if (ids.empty()) {
    return Status::InvalidArgument("no nodes configured for service id " + svc + ": set " +
                                   NodesKey(prefix, svc));
  }
  return ids;
}

Result<std::optional<std::string>> LocalServiceId(const std::vector<std::string>& ids,
                                                  const std::optional<std::string>& chosen,
                                                  std::string_view ids_key,
                                                  std::string_view chosen_key) {
  if (chosen) {
    for (const auto& id : ids) {
      if (id == *chosen) return std::optional<std::string>(*chosen);
    }
    return Status::InvalidArgument(std::string(chosen_key) + "=" + *chosen + " is not one of " +
                                   std::string(ids_key) + " (" + strings::Join(ids, ",") + ")");
  }
  if (ids.empty()) return std::optional<std::string>();
  if (ids.size() == 1) return std::optional<std::string>(ids[0]);
  return Status::InvalidArgument("several service ids in " + std::string(ids_key) + " (" +
                                 strings::Join(ids, ",") + "): set " + std::string(chosen_key) +
                                 " to say which one this node belongs to");
}

// Picks the local node among `nodes` (each with .node_id and a host).
template <typename Node, typename HostOf>
Result<Node> SelectLocal(const std::vector<Node>& nodes, const Configuration& conf,
                         const ConfigKey& node_id_key, const std::string& nodes_key, HostOf host_of,
                         const net::LocalAddressPredicate& is_local) {
  std::vector<std::string> all_ids;
  for (const auto& n : nodes) all_ids.push_back(n.node_id);
  if (auto wanted = conf.Get(node_id_key.name)) {
    for (const auto& n : nodes) {
      if (n.node_id == *wanted) return n;
    }
    return Status::InvalidArgument(std::string(node_id_key.name) + "=" + *wanted +
                                   " is not one of " + nodes_key + " (" +
                                   strings::Join(all_ids, ",") + ")");
  }
  std::vector<const Node*> local;
  for (const auto& n : nodes) {
    if (is_local(host_of(n))) local.push_back(&n);
  }
  if (local.size() == 1) return *local[0];
  if (local.empty()) {
    return Status::NotFound("none of the nodes in " + nodes_key + " (" +
                            strings::Join(all_ids, ",") + ") has an address of this machine: set " +
                            std::string(node_id_key.name));
  }
  std::vector<std::string> ids;
  for (const Node* n : local) ids.push_back(n->node_id);
  return Status::InvalidArgument("several nodes in " + nodes_key + " (" + strings::Join(ids, ",") +
                                 ") have an address of this machine: set " +
                                 std::string(node_id_key.name) + " to say which one this is");
}

}  // namespace

// --- SCM -------------------------------------------------------------------------------------

std::vector<std::string> ScmServiceIds(const Configuration& conf) {
  return conf.GetStrings(keys::kScmServiceIds);
}

Result<std::optional<std::string>> LocalScmServiceId(const Configuration& conf) {
  return LocalServiceId(ScmServiceIds(conf), conf.Get(keys::kScmDefaultServiceId.name),
                        keys::kScmServiceIds.name, keys::kScmDefaultServiceId.name);
}

Result<std::vector<ScmNodeDetails>> ScmNodes(const Configuration& conf,
                                             const std::string& service_id) {
  OZ_ASSIGN_OR_RETURN(auto ids, NodeIdsOf(conf, keys::kScmNodesPrefix, service_id));
  std::vector<ScmNodeDetails> nodes;
  for (const auto& node : ids) {
    ScmNodeDetails d;
    d.service_id = service_id;
    d.node_id = node;
    auto host = conf.Get(NodeKey(keys::kScmAddress.name, service_id, node));
    if (!host || host->empty()) {
      return Status::InvalidArgument("no address for SCM " + node + " of service " + service_id +
                                     ": set " + NodeKey(keys::kScmAddress.name, service_id, node));
    }
    // The address key may carry a port (host:port); the host is what matters here.
    OZ_ASSIGN_OR_RETURN(auto hp, net::ParseHostPort(*host, 0));
    d.host = hp.host;
    OZ_ASSIGN_OR_RETURN(d.ratis_port, PortFor(conf, keys::kScmRatisPort, service_id, node));
    OZ_ASSIGN_OR_RETURN(d.grpc_port, PortFor(conf, keys::kScmGrpcPort, service_id, node));
    OZ_ASSIGN_OR_RETURN(
        d.client_address,
        AddressFor(conf, keys::kScmClientAddress, keys::kScmClientPort, service_id, node, d.host));
    OZ_ASSIGN_OR_RETURN(d.block_client_address,
                        AddressFor(conf, keys::kScmBlockClientAddress, keys::kScmBlockClientPort,
                                   service_id, node, d.host));
    OZ_ASSIGN_OR_RETURN(d.datanode_address,
                        AddressFor(conf, keys::kScmDatanodeAddress, keys::kScmDatanodePort,
                                   service_id, node, d.host));
    OZ_ASSIGN_OR_RETURN(d.security_address,
                        AddressFor(conf, keys::kScmSecurityServiceAddress,
                                   keys::kScmSecurityServicePort, service_id, node, d.host));
    nodes.push_back(std::move(d));
  }
  return nodes;
}

Result<std::vector<ScmNodeDetails>> AllScmNodes(const Configuration& conf) {
  std::vector<ScmNodeDetails> all;
  auto ids = ScmServiceIds(conf);
  if (!ids.empty()) {
    for (const auto& svc : ids) {
      OZ_ASSIGN_OR_RETURN(auto nodes, ScmNodes(conf, svc));
      all.insert(all.end(), nodes.begin(), nodes.end());
    }
    return all;
  }
  auto names = conf.GetStrings(keys::kScmNames);
  if (names.empty()) {
    return Status::InvalidArgument(
        "ozone.scm.names need to be a set of valid DNS names or IP addresses. Empty address list "
        "found.");
  }
  OZ_ASSIGN_OR_RETURN(int client_port, conf.GetInt(keys::kScmClientPort));
  OZ_ASSIGN_OR_RETURN(int block_port, conf.GetInt(keys::kScmBlockClientPort));
  OZ_ASSIGN_OR_RETURN(int dn_port, conf.GetInt(keys::kScmDatanodePort));
  OZ_ASSIGN_OR_RETURN(int sec_port, conf.GetInt(keys::kScmSecurityServicePort));
  OZ_ASSIGN_OR_RETURN(int ratis_port, conf.GetInt(keys::kScmRatisPort));
  OZ_ASSIGN_OR_RETURN(int grpc_port, conf.GetInt(keys::kScmGrpcPort));
  for (const auto& name : names) {
    OZ_ASSIGN_OR_RETURN(auto hp, net::ParseHostPort(name, client_port));
    ScmNodeDetails d;
    d.node_id = hp.host;
    d.host = hp.host;
    d.ratis_port = ratis_port;
    d.grpc_port = grpc_port;
    d.client_address = hp;
    d.block_client_address = {hp.host, block_port};
    d.datanode_address = {hp.host, dn_port};
    d.security_address = {hp.host, sec_port};
    all.push_back(std::move(d));
  }
  return all;
}

Result<ScmNodeDetails> FindLocalScmNode(const Configuration& conf,
                                        const net::LocalAddressPredicate& is_local) {
  OZ_ASSIGN_OR_RETURN(auto svc, LocalScmServiceId(conf));
  if (!svc) {
    // A single SCM configured the non-HA way: it still runs a one-node ring.
    OZ_ASSIGN_OR_RETURN(auto all, AllScmNodes(conf));
    if (all.size() != 1) {
      return Status::InvalidArgument("several SCMs in " + std::string(keys::kScmNames.name) +
                                     " but no " + std::string(keys::kScmServiceIds.name) +
                                     ": configure the SCM ring with service ids");
    }
    ScmNodeDetails d = all[0];
    d.service_id = kDefaultScmServiceId;
    d.node_id = conf.Get(keys::kScmNodeId.name).value_or(kDefaultScmNodeId);
    return d;
  }
  OZ_ASSIGN_OR_RETURN(auto nodes, ScmNodes(conf, *svc));
  return SelectLocal(
      nodes, conf, keys::kScmNodeId, NodesKey(keys::kScmNodesPrefix, *svc),
      [](const ScmNodeDetails& n) { return n.host; }, is_local);
}

// --- OM --------------------------------------------------------------------------------------

std::vector<std::string> OmServiceIds(const Configuration& conf) {
  return conf.GetStrings(keys::kOmServiceIds);
}

Result<std::optional<std::string>> LocalOmServiceId(const Configuration& conf) {
  return LocalServiceId(OmServiceIds(conf), conf.Get(keys::kOmInternalServiceId.name),
                        keys::kOmServiceIds.name, keys::kOmInternalServiceId.name);
}

Result<std::vector<OmNodeDetails>> OmNodes(const Configuration& conf,
                                           const std::string& service_id) {
  OZ_ASSIGN_OR_RETURN(auto ids, NodeIdsOf(conf, keys::kOmNodesPrefix, service_id));
  OZ_ASSIGN_OR_RETURN(auto generic, net::ParseHostPort(conf.GetString(keys::kOmAddress), 9862));
  std::vector<OmNodeDetails> nodes;
  for (const auto& node : ids) {
    OmNodeDetails d;
    d.service_id = service_id;
    d.node_id = node;
    auto addr = conf.Get(NodeKey(keys::kOmAddress.name, service_id, node));
    if (!addr || addr->empty()) {
      return Status::InvalidArgument("no address for OM " + node + " of service " + service_id +
                                     ": set " + NodeKey(keys::kOmAddress.name, service_id, node));
    }
    OZ_ASSIGN_OR_RETURN(d.rpc_address, net::ParseHostPort(*addr, generic.port));
    OZ_ASSIGN_OR_RETURN(d.ratis_port, PortFor(conf, keys::kOmRatisPort, service_id, node));
    auto http = conf.Get(NodeKey(keys::kOmHttpAddress.name, service_id, node));
    OZ_ASSIGN_OR_RETURN(auto generic_http,
                        net::ParseHostPort(conf.GetString(keys::kOmHttpAddress), 9874));
    if (http) {
      OZ_ASSIGN_OR_RETURN(d.http_address, net::ParseHostPort(*http, generic_http.port));
    } else {
      d.http_address = {d.rpc_address.host, generic_http.port};
    }
    nodes.push_back(std::move(d));
  }
  return nodes;
}

namespace {
std::set<std::string> IdSet(const Configuration& conf, std::string_view prefix,
                            const std::string& service_id) {
  std::vector<std::string> ids = conf.GetStrings(std::string(prefix) + "." + service_id);
  return std::set<std::string>(ids.begin(), ids.end());
}
}  // namespace

std::set<std::string> DecommissionedOmNodeIds(const Configuration& conf,
                                              const std::string& service_id) {
  return IdSet(conf, keys::kOmDecommissionedNodesPrefix, service_id);
}

std::set<std::string> ListenerOmNodeIds(const Configuration& conf, const std::string& service_id) {
  return IdSet(conf, keys::kOmListenerNodesPrefix, service_id);
}

Result<std::vector<OmNodeDetails>> ActiveNonListenerOmNodes(const Configuration& conf,
                                                            const std::string& service_id) {
  OZ_ASSIGN_OR_RETURN(std::vector<OmNodeDetails> nodes, OmNodes(conf, service_id));
  const std::set<std::string> gone = DecommissionedOmNodeIds(conf, service_id);
  const std::set<std::string> listeners = ListenerOmNodeIds(conf, service_id);
  std::erase_if(nodes, [&](const OmNodeDetails& n) {
    return gone.count(n.node_id) > 0 || listeners.count(n.node_id) > 0;
  });
  return nodes;
}

Result<std::vector<OmNodeDetails>> AllOmNodes(const Configuration& conf) {
  std::vector<OmNodeDetails> all;
  auto ids = OmServiceIds(conf);
  for (const auto& svc : ids) {
    OZ_ASSIGN_OR_RETURN(auto nodes, OmNodes(conf, svc));
    all.insert(all.end(), nodes.begin(), nodes.end());
  }
  if (!ids.empty()) return all;
  OmNodeDetails d;
  OZ_ASSIGN_OR_RETURN(d.rpc_address, net::ParseHostPort(conf.GetString(keys::kOmAddress), 9862));
  d.node_id = d.rpc_address.host;
  OZ_ASSIGN_OR_RETURN(d.ratis_port, conf.GetInt(keys::kOmRatisPort));
  OZ_ASSIGN_OR_RETURN(d.http_address,
                      net::ParseHostPort(conf.GetString(keys::kOmHttpAddress), 9874));
  all.push_back(std::move(d));
  return all;
}

Result<OmNodeDetails> FindLocalOmNode(const Configuration& conf,
                                      const net::LocalAddressPredicate& is_local) {
  OZ_ASSIGN_OR_RETURN(auto svc, LocalOmServiceId(conf));
  if (!svc) {
    // A single OM configured the non-HA way (ozone.om.address): a one-node ring.
    OZ_ASSIGN_OR_RETURN(auto all, AllOmNodes(conf));
    OmNodeDetails d = all[0];
    d.service_id = kDefaultOmServiceId;
    d.node_id = conf.Get(keys::kOmNodeId.name).value_or(kDefaultOmNodeId);
    return d;
  }
  OZ_ASSIGN_OR_RETURN(auto nodes, OmNodes(conf, *svc));
  return SelectLocal(
      nodes, conf, keys::kOmNodeId, NodesKey(keys::kOmNodesPrefix, *svc),
      [](const OmNodeDetails& n) { return n.rpc_address.host; }, is_local);
}

}  // namespace ozone::topology
