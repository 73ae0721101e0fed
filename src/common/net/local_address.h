// Whether a host name or address refers to this machine: it resolves to an address of a local
// interface, or to loopback (all of 127.0.0.0/8 and ::1 are local on Linux).
//
// Thread-safety: safe for concurrent use (getaddrinfo/getifaddrs).
#pragma once

#include <functional>
#include <string>

namespace ozone::net {

bool IsLocalAddress(const std::string& host);

// Injectable form, for node-id detection in tests.
using LocalAddressPredicate = std::function<bool(const std::string& host)>;

}  // namespace ozone::net
