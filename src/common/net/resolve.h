// ResolveHost: the numeric address a host name or address stands for (the first getaddrinfo
// gives, IPv4 preferred), as Java's InetAddress.getByName(host).getHostAddress() prints it.
// Errors: NotFound naming the host when it does not resolve.
//
// Thread-safety: safe for concurrent use (getaddrinfo).
#pragma once

#include <string>

#include "common/result.h"

namespace ozone::net {

Result<std::string> ResolveHost(const std::string& host);

}  // namespace ozone::net
