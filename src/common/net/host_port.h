// HostPort: a "host:port" address as written in configuration. Host names are kept as text and
// resolved only when connecting (DNS may change, as in Kubernetes).
//
// Thread-safety: a value type.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ozone::net {

struct HostPort {
  std::string host;
  int port = 0;

  // "host:port", with IPv6 literals bracketed.
  std::string ToString() const;
  bool operator==(const HostPort&) const = default;
};

// Parses "host", "host:port", "[v6]:port". A missing port takes `default_port`; a port outside
// 1..65535 (or junk) is InvalidArgument.
Result<HostPort> ParseHostPort(std::string_view text, int default_port);

}  // namespace ozone::net
