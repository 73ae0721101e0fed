#include "tools/sh/ozone_address.h"

#include <gtest/gtest.h>

namespace ozone::tools::sh {
namespace {

OzoneAddress P(const std::string& s) {
  auto a = OzoneAddress::Parse(s);
  EXPECT_TRUE(a.ok()) << s << ": " << a.status();
  return a.ok() ? *a : OzoneAddress();
}

TEST(OzoneAddressTest, ParsesTheForms) {
  OzoneAddress full = P("o3://omservice/vol1/bucket1/dir/key.txt");
  EXPECT_EQ(full.scheme(), "o3");
  EXPECT_EQ(full.host(), "omservice");
  EXPECT_FALSE(full.port());
  EXPECT_EQ(full.volume(), "vol1");
  EXPECT_EQ(full.bucket(), "bucket1");
  EXPECT_EQ(full.key(), "dir/key.txt");

  OzoneAddress path = P("/vol1/bucket1/key");
  EXPECT_EQ(path.host(), "");
  EXPECT_EQ(path.volume(), "vol1");
  EXPECT_EQ(path.bucket(), "bucket1");
  EXPECT_EQ(path.key(), "key");

  OzoneAddress relative = P("vol1/bucket1");
  EXPECT_EQ(relative.volume(), "vol1");
  EXPECT_EQ(relative.bucket(), "bucket1");
  EXPECT_EQ(relative.key(), "");

  OzoneAddress host_port = P("o3://om1.example.com:9862/vol1");
  EXPECT_EQ(host_port.host(), "om1.example.com");
  EXPECT_EQ(*host_port.port(), 9862);
  EXPECT_EQ(host_port.volume(), "vol1");

  OzoneAddress root = P("o3:///");
  EXPECT_TRUE(root.EnsureRootAddress().ok());
  EXPECT_TRUE(P("").EnsureRootAddress().ok());
  EXPECT_EQ(P("//vol1").host(), "vol1");  // as Ozone: "//" starts an authority
  EXPECT_EQ(P("///vol1").volume(), "vol1");
}

TEST(OzoneAddressTest, KindChecksGiveOzonesMessages) {
  EXPECT_TRUE(P("/vol1").EnsureVolumeAddress().ok());
  EXPECT_EQ(P("/vol1/b").EnsureVolumeAddress().message(),
            "Invalid volume name. Delimiters (/) not allowed in volume name");
  EXPECT_EQ(P("/").EnsureVolumeAddress().message(), "Volume name is required");
  EXPECT_TRUE(P("/v/b").EnsureBucketAddress().ok());
  EXPECT_EQ(P("/v/b/k").EnsureBucketAddress().message(),
            "Invalid bucket name. Delimiters (/) not allowed in bucket name");
  EXPECT_EQ(P("/v").EnsureBucketAddress().message(), "Bucket name is required.");
  EXPECT_TRUE(P("/v/b/k").EnsureKeyAddress().ok());
  EXPECT_EQ(P("/v/b").EnsureKeyAddress().message(), "Key name is missing.");
  EXPECT_EQ(P("/v/b/k").EnsureVolumeOrBucketAddress().message(), "Key address is not supported.");
  EXPECT_TRUE(P("/v/b").EnsureVolumeOrBucketAddress().ok());
  EXPECT_EQ(P("/v").EnsureRootAddress().message(),
            "Invalid URI. Volume/bucket/key elements should not been used");
  EXPECT_FALSE(OzoneAddress::Parse("o3://host:port/v").ok());
}

TEST(OzoneAddressTest, ResolvesTheOmAsOzonesShell) {
  config::Configuration one;
  one.Set("ozone.om.service.ids", "omservice");
  auto t = P("/v").ResolveOm(one);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->service_id, "omservice");

  auto by_host = P("o3://omservice/v").ResolveOm(one);
  ASSERT_TRUE(by_host.ok());
  EXPECT_EQ(by_host->service_id, "omservice");
  EXPECT_EQ(P("o3://omservice:9862/v").ResolveOm(one).status().message(),
            "Port 9862 specified in URI but host 'omservice' is a logical (HA) OzoneManager and "
            "does not use port information.");
  auto plain_host = P("o3://om1/v").ResolveOm(one);
  ASSERT_TRUE(plain_host.ok());
  EXPECT_EQ(plain_host->address, "om1:9862");

  config::Configuration two;
  two.Set("ozone.om.service.ids", "a,b");
  EXPECT_EQ(P("/v").ResolveOm(two).status().message(),
            "Service ID or host name must not be omitted when multiple ozone.om.service.ids is "
            "defined.");
  auto chosen = P("/v").ResolveOm(two, "b");
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->service_id, "b");
  EXPECT_FALSE(P("/v").ResolveOm(two, "c").ok());

  config::Configuration none;
  auto single = P("/v").ResolveOm(none);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->address, "0.0.0.0:9862");

  EXPECT_EQ(P("ofs://x/v").ResolveOm(one).status().message(),
            "Invalid URI, unknown protocol scheme: ofs. Use o3:// as the scheme");
  EXPECT_NE(P("http://x/v").ResolveOm(one).status().message().find("REST schema"),
            std::string::npos);
}

}  // namespace
}  // namespace ozone::tools::sh
