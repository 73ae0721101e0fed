#include "common/net/host_port.h"

#include "common/strings.h"

namespace ozone::net {

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<HostPort> ParseHostPort(std::string_view input, int default_port) {
  std::string_view text = strings::Trim(input);
  if (text.empty()) return Status::InvalidArgument("empty address");
  std::string host;
  std::string_view port_text;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("unterminated '[' in address '" + std::string(text) + "'");
    }
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return Status::InvalidArgument("invalid address '" + std::string(text) + "'");
      }
      port_text = rest.substr(1);
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') == colon) {
      host = text.substr(0, colon);
      port_text = text.substr(colon + 1);
    } else {
      host = text;  // no port, or a bare IPv6 literal
    }
  }
  if (host.empty())
    return Status::InvalidArgument("no host in address '" + std::string(text) + "'");
  int port = default_port;
  if (!port_text.empty() || (text.back() == ':')) {
    auto p = strings::ParseInt64(port_text);
    if (!p || *p < 1 || *p > 65535) {
      return Status::InvalidArgument("invalid port in address '" + std::string(text) + "'");
    }
    port = static_cast<int>(*p);
  }
  return HostPort{host, port};
}

}  // namespace ozone::net
