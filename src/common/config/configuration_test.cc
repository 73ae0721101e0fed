#include "common/config/configuration.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/config/ozone_keys.h"

namespace ozone::config {
namespace {

constexpr ConfigKey kInt{"test.int", "42", ""};
constexpr ConfigKey kNoDefault{"test.none", std::nullopt, ""};
constexpr ConfigKey kFlag{"test.flag", "false", ""};
constexpr ConfigKey kInterval{"test.interval", "5s", ""};
constexpr ConfigKey kSize{"test.size", "64MB", ""};
constexpr ConfigKey kPort{"test.port", "9894", ""};

TEST(ConfigurationTest, DefaultsApplyWhenUnset) {
  Configuration conf;
  EXPECT_EQ(*conf.GetInt(kInt), 42);
  EXPECT_FALSE(*conf.GetBool(kFlag));
  EXPECT_EQ(*conf.GetDuration(kInterval, TimeUnit::kMilliseconds), std::chrono::seconds(5));
  EXPECT_EQ(*conf.GetStorageSize(kSize, StorageUnit::kBytes), 64ull << 20);
  EXPECT_TRUE(conf.GetLong(kNoDefault).status().IsNotFound());
  EXPECT_FALSE(conf.Get(kNoDefault));
  EXPECT_FALSE(conf.IsSet(kInt.name));
  EXPECT_EQ(conf.SourceOf(kInt.name), "default");
}

TEST(ConfigurationTest, SetValuesOverrideAndAreTrimmed) {
  Configuration conf;
  conf.Set("test.int", " 7 ", "site:3");
  conf.Set("test.flag", "TRUE");
  conf.Set("test.interval", "300ms");
  conf.Set("test.size", "1GB");
  EXPECT_EQ(*conf.GetInt(kInt), 7);
  EXPECT_TRUE(*conf.GetBool(kFlag));
  EXPECT_EQ(*conf.GetDuration(kInterval, TimeUnit::kMilliseconds), std::chrono::milliseconds(300));
  EXPECT_EQ(*conf.GetStorageSize(kSize, StorageUnit::kBytes), 1ull << 30);
  EXPECT_EQ(conf.SourceOf("test.int"), "site:3");
}

TEST(ConfigurationTest, BadValuesNameKeyValueAndSource) {
  Configuration conf;
  conf.Set("test.int", "forty", "ozone-site.xml:12");
  auto r = conf.GetInt(kInt);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("test.int"), std::string::npos);
  EXPECT_NE(r.status().message().find("forty"), std::string::npos);
  EXPECT_NE(r.status().message().find("ozone-site.xml:12"), std::string::npos);
  conf.Set("test.flag", "yes");
  EXPECT_FALSE(conf.GetBool(kFlag).ok());
  conf.Set("test.interval", "soon");
  EXPECT_FALSE(conf.GetDuration(kInterval, TimeUnit::kSeconds).ok());
  conf.Set("test.int", "99999999999");
  EXPECT_FALSE(conf.GetInt(kInt).ok());
  EXPECT_EQ(*conf.GetLong(kInt), 99999999999);
}

TEST(ConfigurationTest, PerNodeKeysOverrideGenericOnes) {
  Configuration conf;
  EXPECT_EQ(*conf.GetIntForNode(kPort, "cluster1", "scm2"), 9894);
  conf.Set("test.port", "10000");
  EXPECT_EQ(*conf.GetIntForNode(kPort, "cluster1", "scm2"), 10000);
  conf.Set("test.port.cluster1.scm2", "10002");
  EXPECT_EQ(*conf.GetIntForNode(kPort, "cluster1", "scm2"), 10002);
  EXPECT_EQ(*conf.GetIntForNode(kPort, "cluster1", "scm1"), 10000);
  EXPECT_EQ(*conf.GetForNode(kPort, "cluster1", "scm2"), "10002");
}

TEST(ConfigurationTest, FinalKeysCannotBeOverridden) {
  Configuration conf;
  conf.Set("a", "1", "site", /*final=*/true);
  conf.Set("a", "2", "--set");
  EXPECT_EQ(conf.Get("a"), "1");
}

TEST(ConfigurationTest, SubstitutesVariables) {
  Configuration conf;
  conf.Set("base", "/data");
  conf.Set("meta", "${base}/metadata");
  conf.Set("deep", "${meta}/scm");
  conf.Set("loop", "${loop}x");
  conf.Set("unknown", "${no.such.key}/x");
  ::setenv("OZONE_TEST_ENV_VAR", "fromenv", 1);
  conf.Set("env", "${env.OZONE_TEST_ENV_VAR}-1");
  EXPECT_EQ(conf.Get("deep"), "/data/metadata/scm");
  EXPECT_EQ(conf.Get("unknown"), "${no.such.key}/x");
  EXPECT_EQ(conf.Get("env"), "fromenv-1");
  auto loop = conf.Get("loop");  // terminates
  ASSERT_TRUE(loop);
}

TEST(ConfigurationTest, GetStringsSplitsCommaLists) {
  Configuration conf;
  conf.Set("ozone.scm.nodes.cluster1", "scm1, scm2,,scm3");
  EXPECT_EQ(conf.GetStrings("ozone.scm.nodes.cluster1"),
            (std::vector<std::string>{"scm1", "scm2", "scm3"}));
  EXPECT_TRUE(conf.GetStrings("nothing").empty());
}

TEST(OzoneKeysTest, RegistryKnowsOzoneDefaults) {
  const ConfigKey* k = keys::FindKey("ozone.scm.ratis.port");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->default_value, "9894");
  EXPECT_EQ(keys::FindKey("ozone.om.address")->default_value, "0.0.0.0:9862");
  EXPECT_EQ(keys::FindKey("no.such.key"), nullptr);
  // Every registered name is unique.
  std::set<std::string_view> names;
  for (const ConfigKey* key : keys::AllKeys())
    EXPECT_TRUE(names.insert(key->name).second) << key->name;
}

}  // namespace
}  // namespace ozone::config
