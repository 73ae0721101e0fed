#include "common/config/config_reloader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/io/file_util.h"
#include "tests/testutil/subprocess.h"

namespace ozone::config {
namespace {

namespace fs = std::filesystem;

class ConfigReloaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("OZONE_CONF_DIR"); }
  void TearDown() override { ::unsetenv("OZONE_CONF_DIR"); }
  void WriteSite(const fs::path& dir, const std::string& body) {
    ASSERT_TRUE(io::WriteFileAtomically((dir / kSiteFileName).string(),
                                        "<configuration>\n" + body + "</configuration>\n")
                    .ok());
  }
  static std::string Property(const std::string& key, const std::string& value) {
    return "<property><name>" + key + "</name><value>" + value + "</value></property>\n";
  }
  testutil::TempDir tmp_;
  fs::path root_{tmp_.path()};
};

TEST_F(ConfigReloaderTest, SeesWhatTheFileSaysNowWithTheSameOverrides) {
  fs::path dir = root_ / "conf";
  WriteSite(dir, Property("ozone.om.nodes.omservice", "om1,om2") + Property("k", "file"));
  ConfigReloader reloader(ConfigSources{
      .config_dir = dir.string(), .overrides = {"k=set"}, .install_root = ""});
  EXPECT_EQ(reloader.config_dir(), dir.string());
  Result<Configuration> first = reloader.Reload();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->Get("ozone.om.nodes.omservice"), "om1,om2");
  EXPECT_EQ(first->Get("k"), "set");

  // The operator adds om3 to the running node's ozone-site.xml.
  WriteSite(dir, Property("ozone.om.nodes.omservice", "om1,om2,om3") +
                     Property("ozone.om.address.omservice.om3", "127.0.0.3") +
                     Property("k", "file"));
  Result<Configuration> second = reloader.Reload();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->Get("ozone.om.nodes.omservice"), "om1,om2,om3");
  EXPECT_EQ(second->Get("ozone.om.address.omservice.om3"), "127.0.0.3");
  EXPECT_EQ(second->Get("k"), "set");  // --set still wins
  // What was read before is unchanged.
  EXPECT_EQ(first->Get("ozone.om.nodes.omservice"), "om1,om2");
}

TEST_F(ConfigReloaderTest, KeepsTheDirectoryResolvedAtStart) {
  fs::path env_dir = root_ / "env", other = root_ / "other";
  WriteSite(env_dir, Property("k", "env"));
  WriteSite(other, Property("k", "other"));
  ::setenv("OZONE_CONF_DIR", env_dir.c_str(), 1);
  ConfigReloader reloader(ConfigSources{.config_dir = std::nullopt, .overrides = {},
                                        .install_root = (root_ / "install").string()});
  ::setenv("OZONE_CONF_DIR", other.c_str(), 1);
  EXPECT_EQ(reloader.config_dir(), env_dir.string());
  EXPECT_EQ(reloader.Reload()->Get("k"), "env");
}

TEST_F(ConfigReloaderTest, ImplicitDirectoryWithoutAFileGivesTheOverridesOnly) {
  ConfigReloader reloader(ConfigSources{.config_dir = std::nullopt, .overrides = {"a=b"},
                                        .install_root = (root_ / "nowhere").string()});
  Result<Configuration> conf = reloader.Reload();
  ASSERT_TRUE(conf.ok()) << conf.status();
  EXPECT_EQ(conf->Get("a"), "b");
  EXPECT_EQ(conf->Entries().size(), 1u);
}

TEST_F(ConfigReloaderTest, MalformedFileIsAnErrorNamingTheFile) {
  fs::path dir = root_ / "conf";
  WriteSite(dir, Property("k", "v"));
  ConfigReloader reloader(ConfigSources{.config_dir = dir.string(), .overrides = {},
                                        .install_root = ""});
  ASSERT_TRUE(reloader.Reload().ok());
  ASSERT_TRUE(io::WriteFileAtomically((dir / kSiteFileName).string(), "<configuration><prop").ok());
  Result<Configuration> broken = reloader.Reload();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().ToString().find(kSiteFileName), std::string::npos)
      << broken.status();
  // An explicitly given directory that is gone is an error too.
  fs::remove_all(dir);
  EXPECT_FALSE(reloader.Reload().ok());
}

TEST_F(ConfigReloaderTest, FixedHandsBackTheSameConfiguration) {
  Configuration conf;
  conf.Set("ozone.om.node.id", "om1");
  ConfigReloader reloader = ConfigReloader::Fixed(conf);
  EXPECT_EQ(reloader.config_dir(), "");
  EXPECT_EQ(reloader.Reload()->Get("ozone.om.node.id"), "om1");
}

}  // namespace
}  // namespace ozone::config
