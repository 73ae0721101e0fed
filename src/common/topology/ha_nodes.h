// The HA topology of SCM and OM rings as configured (seeds 001 and 003):
//   ozone.scm.service.ids = cluster1            ozone.om.service.ids = omservice
//   ozone.scm.nodes.cluster1 = scm1,scm2,scm3   ozone.om.nodes.omservice = om1,om2,om3
//   ozone.scm.address.cluster1.scm1 = host1     ozone.om.address.omservice.om1 = host1[:9862]
// and per-node ports: a key suffixed `.<svc>.<node>` overrides the generic key
// (`ozone.scm.ratis.port.cluster1.scm2`), so that several nodes can share one machine.
//
// FindLocal* picks this process's node: the explicit node id key if set, else the one node
// whose address is local; none or several is an error naming the key to set.
//
// Thread-safety: pure functions over a Configuration.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/config/configuration.h"
#include "common/net/host_port.h"
#include "common/net/local_address.h"
#include "common/result.h"

namespace ozone::topology {

// Service and node ids of a single SCM or OM configured without service ids (Ozone's names).
inline constexpr char kDefaultScmServiceId[] = "scmServiceIdDefault";
inline constexpr char kDefaultScmNodeId[] = "scm1";
inline constexpr char kDefaultOmServiceId[] = "omServiceIdDefault";
inline constexpr char kDefaultOmNodeId[] = "om1";

struct ScmNodeDetails {
  std::string service_id;              // empty for a non-HA (ozone.scm.names) entry
  std::string node_id;                 // from ozone.scm.nodes.<svc>; the host for a non-HA entry
  std::string host;                    // ozone.scm.address.<svc>.<node>
  int ratis_port = 0;                  // ozone.scm.ratis.port
  int grpc_port = 0;                   // ozone.scm.grpc.port
  net::HostPort client_address;        // ozone.scm.client.address / .port
  net::HostPort block_client_address;  // ozone.scm.block.client.address / .port
  net::HostPort datanode_address;      // ozone.scm.datanode.address / .port
  net::HostPort security_address;      // ozone.scm.security.service.address / .port

  net::HostPort RatisAddress() const { return {host, ratis_port}; }
  net::HostPort GrpcAddress() const { return {host, grpc_port}; }
};

struct OmNodeDetails {
  std::string service_id;  // empty for a non-HA OM
  std::string node_id;
  net::HostPort rpc_address;   // ozone.om.address.<svc>.<node>
  int ratis_port = 0;          // ozone.om.ratis.port
  net::HostPort http_address;  // ozone.om.http-address.<svc>.<node>

  net::HostPort RatisAddress() const { return {rpc_address.host, ratis_port}; }
};

// The configured SCM service ids (ozone.scm.service.ids).
std::vector<std::string> ScmServiceIds(const config::Configuration& conf);
// The SCM service this node belongs to: ozone.scm.default.service.id, else the only one of
// ozone.scm.service.ids; nullopt when none is configured (non-HA); an error when ambiguous.
Result<std::optional<std::string>> LocalScmServiceId(const config::Configuration& conf);
// The nodes of SCM service `service_id`, in configured order.
Result<std::vector<ScmNodeDetails>> ScmNodes(const config::Configuration& conf,
                                             const std::string& service_id);
// Every SCM: the nodes of all service ids, or the ozone.scm.names hosts when no service id is
// configured. Error when neither is configured.
Result<std::vector<ScmNodeDetails>> AllScmNodes(const config::Configuration& conf);
// This process's SCM node.
Result<ScmNodeDetails> FindLocalScmNode(
    const config::Configuration& conf,
    const net::LocalAddressPredicate& is_local = net::IsLocalAddress);

std::vector<std::string> OmServiceIds(const config::Configuration& conf);
Result<std::optional<std::string>> LocalOmServiceId(const config::Configuration& conf);
Result<std::vector<OmNodeDetails>> OmNodes(const config::Configuration& conf,
                                           const std::string& service_id);
// The node ids of ozone.om.decommissioned.nodes.<svc> and of ozone.om.listener.nodes.<svc>.
std::set<std::string> DecommissionedOmNodeIds(const config::Configuration& conf,
                                              const std::string& service_id);
std::set<std::string> ListenerOmNodeIds(const config::Configuration& conf,
                                        const std::string& service_id);
// The OMs of `service_id` a client fails over between (Ozone's getActiveNonListenerOMNodeIds):
// those of OmNodes that ozone.om.decommissioned.nodes.<svc> and ozone.om.listener.nodes.<svc> do
// not list (a listener never leads; a decommissioned node left the ring).
Result<std::vector<OmNodeDetails>> ActiveNonListenerOmNodes(const config::Configuration& conf,
                                                            const std::string& service_id);
// Every OM of every service id, or the single ozone.om.address OM when none is configured.
Result<std::vector<OmNodeDetails>> AllOmNodes(const config::Configuration& conf);
Result<OmNodeDetails> FindLocalOmNode(
    const config::Configuration& conf,
    const net::LocalAddressPredicate& is_local = net::IsLocalAddress);

}  // namespace ozone::topology
