#include "scm/server/scm_roles.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

namespace ozone::scm {

std::string ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) return "";
  std::string v4, v6;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (a->ai_family == AF_INET && v4.empty()) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, buf, sizeof(buf));
      v4 = buf;
    } else if (a->ai_family == AF_INET6 && v6.empty()) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, buf,
                sizeof(buf));
      v6 = buf;
    }
  }
  freeaddrinfo(res);
  return v4.empty() ? v6 : v4;
}

GetScmInfoResponse ScmInfoOf(const ha::HaNode& node, const ScmStorageConfig& storage,
                             const std::string& cluster_id, const std::string& scm_uuid) {
  GetScmInfoResponse r;
  r.set_clusterid(cluster_id);
  r.set_scmid(scm_uuid);
  for (const raft::PeerStatus& p : node.Roles()) {
    ScmRole* role = r.add_peerroles();
    role->set_id(p.peer.id);
    role->set_address(p.peer.address);
    role->set_role(p.role);
    std::string host = p.peer.address.substr(0, p.peer.address.rfind(':'));
    if (auto n = storage.NodeByRatisAddress(p.peer.address)) {
      role->set_nodeid(n->node_id);
      host = n->host;
    }
    if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
    role->set_hostaddress(ResolveHost(host));
    role->set_match(p.match.value());
    role->set_commit(p.commit.value());
    role->set_term(p.term.value());
  }
  return r;
}

}  // namespace ozone::scm
