#include "common/config/config_loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/io/file_util.h"
#include "tests/testutil/subprocess.h"

namespace ozone::config {
namespace {

namespace fs = std::filesystem;

class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("OZONE_CONF_DIR"); }
  void TearDown() override { ::unsetenv("OZONE_CONF_DIR"); }
  void WriteSite(const fs::path& dir, const std::string& key, const std::string& value) {
    ASSERT_TRUE(io::WriteFileAtomically((dir / kSiteFileName).string(),
                                        "<configuration><property><name>" + key + "</name><value>" +
                                            value + "</value></property></configuration>")
                    .ok());
  }
  testutil::TempDir tmp_;
  fs::path root_{tmp_.path()};
};

TEST_F(ConfigLoaderTest, PrefersConfigFlagThenEnvThenInstallRoot) {
  fs::path flag_dir = root_ / "flag", env_dir = root_ / "env", install = root_ / "install";
  WriteSite(flag_dir, "k", "flag");
  WriteSite(env_dir, "k", "env");
  WriteSite(install / "etc" / "hadoop", "k", "install");

  ConfigSources sources{
      .config_dir = std::nullopt, .overrides = {}, .install_root = install.string()};
  EXPECT_EQ(LoadConfiguration(sources)->Get("k"), "install");
  ::setenv("OZONE_CONF_DIR", env_dir.c_str(), 1);
  EXPECT_EQ(LoadConfiguration(sources)->Get("k"), "env");
  sources.config_dir = flag_dir.string();
  EXPECT_EQ(LoadConfiguration(sources)->Get("k"), "flag");
}

TEST_F(ConfigLoaderTest, OverridesWinAndNeedAnEqualsSign) {
  fs::path dir = root_ / "conf";
  WriteSite(dir, "ozone.scm.service.ids", "cluster1");
  ConfigSources sources{.config_dir = dir.string(),
                        .overrides = {"ozone.scm.service.ids=cluster2", "x.y= v=w"},
                        .install_root = ""};
  auto conf = LoadConfiguration(sources);
  ASSERT_TRUE(conf.ok()) << conf.status();
  EXPECT_EQ(conf->Get("ozone.scm.service.ids"), "cluster2");
  EXPECT_EQ(conf->Get("x.y"), "v=w");
  EXPECT_EQ(conf->SourceOf("x.y"), "--set");

  sources.overrides = {"novalue"};
  EXPECT_TRUE(LoadConfiguration(sources).status().IsInvalidArgument());
}

TEST_F(ConfigLoaderTest, MissingExplicitDirIsAnErrorButMissingSiteFileIsNot) {
  ConfigSources sources{
      .config_dir = (root_ / "absent").string(), .overrides = {}, .install_root = ""};
  EXPECT_FALSE(LoadConfiguration(sources).ok());
  fs::create_directories(root_ / "empty");
  sources.config_dir = (root_ / "empty").string();
  EXPECT_TRUE(LoadConfiguration(sources).ok());
}

TEST_F(ConfigLoaderTest, MalformedSiteFileFailsWithFileAndLine) {
  fs::path dir = root_ / "bad";
  ASSERT_TRUE(io::WriteFileAtomically((dir / kSiteFileName).string(),
                                      "<configuration>\n<property>\n</configuration>\n")
                  .ok());
  ConfigSources sources{.config_dir = dir.string(), .overrides = {}, .install_root = ""};
  auto conf = LoadConfiguration(sources);
  ASSERT_FALSE(conf.ok());
  EXPECT_NE(conf.status().message().find((dir / kSiteFileName).string() + ":"), std::string::npos)
      << conf.status();
}

}  // namespace
}  // namespace ozone::config
