#include "common/net/host_port.h"

#include <gtest/gtest.h>

namespace ozone::net {
namespace {

TEST(HostPortTest, ParsesHostAndPortForms) {
  EXPECT_EQ(*ParseHostPort("host1", 9862), (HostPort{"host1", 9862}));
  EXPECT_EQ(*ParseHostPort(" host1:9999 ", 9862), (HostPort{"host1", 9999}));
  EXPECT_EQ(*ParseHostPort("[::1]:80", 1), (HostPort{"::1", 80}));
  EXPECT_EQ(*ParseHostPort("::1", 5), (HostPort{"::1", 5}));
  EXPECT_EQ(ParseHostPort("[::1]:80", 1)->ToString(), "[::1]:80");
  EXPECT_EQ(ParseHostPort("h:1", 1)->ToString(), "h:1");
}

TEST(HostPortTest, RejectsBadPorts) {
  EXPECT_FALSE(ParseHostPort("host:0", 1).ok());
  EXPECT_FALSE(ParseHostPort("host:70000", 1).ok());
  EXPECT_FALSE(ParseHostPort("host:ab", 1).ok());
  EXPECT_FALSE(ParseHostPort("host:", 1).ok());
  EXPECT_FALSE(ParseHostPort(":80", 1).ok());
  EXPECT_FALSE(ParseHostPort("", 1).ok());
}

}  // namespace
}  // namespace ozone::net
