#include "common/net/resolve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

namespace ozone::net {

Result<std::string> ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* resolved = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &resolved);
  if (rc != 0 || resolved == nullptr) {
    return Status::NotFound("unknown host " + host + ": " + gai_strerror(rc));
  }
  const addrinfo* pick = resolved;
  for (const addrinfo* ai = resolved; ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      pick = ai;
      break;
    }
  }
  char buf[INET6_ADDRSTRLEN] = {};
  const void* addr = pick->ai_family == AF_INET
                         ? static_cast<const void*>(
                               &reinterpret_cast<const sockaddr_in*>(pick->ai_addr)->sin_addr)
                         : static_cast<const void*>(
                               &reinterpret_cast<const sockaddr_in6*>(pick->ai_addr)->sin6_addr);
  const char* text = inet_ntop(pick->ai_family, addr, buf, sizeof(buf));
  freeaddrinfo(resolved);
  if (text == nullptr) return Status::Internal("cannot print the address of " + host);
  return std::string(text);
}

}  // namespace ozone::net
