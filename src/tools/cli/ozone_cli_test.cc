#include <gtest/gtest.h>
#include <stdlib.h>

#include <sstream>

#include "common/io/file_util.h"
#include "tests/testutil/subprocess.h"
#include "tools/cli/cli_test_util.h"
#include "tools/cli/exit_codes.h"

namespace ozone::tools {
namespace {

class OzoneCliTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("OZONE_CONF_DIR"); }

  CliRun Ozone(const std::vector<std::string>& args) { return RunCli(args, tmp_.Sub("install")); }

  std::string WriteSite(const std::string& dir, const std::string& properties) {
    std::string path = tmp_.Sub(dir);
    EXPECT_TRUE(io::WriteFileAtomically(path + "/ozone-site.xml",
                                        "<?xml version=\"1.0\"?>\n<configuration>\n" + properties +
                                            "</configuration>\n")
                    .ok());
    return path;
  }

  static std::string Property(const std::string& k, const std::string& v) {
    return "  <property><name>" + k + "</name><value>" + v + "</value></property>\n";
  }

  testutil::TempDir tmp_;
};

TEST_F(OzoneCliTest, VersionPrintsTheBanner) {
  CliRun r = Ozone({"version"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_NE(r.out.find("Source code repository"), std::string::npos);
  EXPECT_NE(r.out.find("Using HDDS"), std::string::npos);
  EXPECT_EQ(Ozone({"--version"}).code, kExitOk);
}

TEST_F(OzoneCliTest, GetconfConfKeyReadsTheSiteFile) {
  std::string conf = WriteSite("conf", Property("ozone.scm.service.ids", "cluster1"));
  CliRun r = Ozone({"--config", conf, "getconf", "confKey", "ozone.scm.service.ids"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "cluster1\n");
  // The dash form and OZONE_CONF_DIR.
  ::setenv("OZONE_CONF_DIR", conf.c_str(), 1);
  EXPECT_EQ(Ozone({"getconf", "-confKey", "ozone.scm.service.ids"}).out, "cluster1\n");
  ::unsetenv("OZONE_CONF_DIR");
}

TEST_F(OzoneCliTest, GetconfConfKeyUsesDefaultsOverridesAndReportsMissing) {
  std::string conf = WriteSite("conf", "");
  EXPECT_EQ(Ozone({"--config", conf, "getconf", "confKey", "ozone.scm.ratis.port"}).out, "9894\n");
  EXPECT_EQ(Ozone({"--config", conf, "getconf", "confKey", "ozone.scm.ratis.port", "--set",
                   "ozone.scm.ratis.port=19894"})
                .out,
            "19894\n");
  CliRun missing = Ozone({"--config", conf, "getconf", "confKey", "no.such.key"});
  EXPECT_EQ(missing.code, kExitOk);  // as Ozone
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err, "Configuration no.such.key is missing.\n");
}

TEST_F(OzoneCliTest, GetconfListsScmsAndOms) {
  std::string conf =
      WriteSite("conf", Property("ozone.scm.service.ids", "cluster1") +
                            Property("ozone.scm.nodes.cluster1", "scm1,scm2,scm3") +
                            Property("ozone.scm.address.cluster1.scm1", "host1") +
                            Property("ozone.scm.address.cluster1.scm2", "host2") +
                            Property("ozone.scm.address.cluster1.scm3", "host3") +
                            Property("ozone.om.service.ids", "omservice") +
                            Property("ozone.om.nodes.omservice", "om1,om2") +
                            Property("ozone.om.address.omservice.om1", "omhost1:9862") +
                            Property("ozone.om.address.omservice.om2", "omhost2"));
  CliRun scms = Ozone({"--config", conf, "getconf", "storagecontainermanagers"});
  EXPECT_EQ(scms.code, kExitOk) << scms.err;
  EXPECT_EQ(scms.out, "host1\nhost2\nhost3\n");
  EXPECT_EQ(Ozone({"--config", conf, "getconf", "-ozonemanagers"}).out, "omhost1\nomhost2\n");
}

TEST_F(OzoneCliTest, GetconfWithoutScmsIsAnError) {
  std::string conf = WriteSite("conf", "");
  CliRun r = Ozone({"--config", conf, "getconf", "storagecontainermanagers"});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_NE(r.err.find("ozone.scm.names"), std::string::npos);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);  // one line
}

TEST_F(OzoneCliTest, MalformedSiteFileExits255NamingFileAndLine) {
  std::string dir = tmp_.Sub("bad");
  ASSERT_TRUE(
      io::WriteFileAtomically(dir + "/ozone-site.xml",
                              "<configuration>\n<property>\n<name>a</name>\n</configuration>")
          .ok());
  CliRun r = Ozone({"--config", dir, "getconf", "confKey", "a"});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_NE(r.err.find(dir + "/ozone-site.xml:"), std::string::npos) << r.err;
  // Commands that do not read configuration still work.
  EXPECT_EQ(Ozone({"--config", dir, "version"}).code, kExitOk);
}

TEST_F(OzoneCliTest, UsageErrorsExit2WithUsage) {
  CliRun none = Ozone({});
  EXPECT_EQ(none.code, kExitUsage);
  EXPECT_NE(none.err.find("Missing required subcommand"), std::string::npos);
  EXPECT_NE(none.err.find("getconf"), std::string::npos);  // the usage lists subcommands

  CliRun sub = Ozone({"getconf"});
  EXPECT_EQ(sub.code, kExitUsage);
  EXPECT_NE(sub.err.find("confKey"), std::string::npos);

  EXPECT_EQ(Ozone({"nosuchcommand"}).code, kExitUsage);
  EXPECT_EQ(Ozone({"getconf", "confKey"}).code, kExitUsage);  // missing KEY
  EXPECT_EQ(Ozone({"version", "--bogus"}).code, kExitUsage);
  EXPECT_EQ(Ozone({"version", "--set", "novalue"}).code, kExitUsage);
  EXPECT_EQ(Ozone({"debug", "ldb", "ls"}).code, kExitUsage);  // --db is required
}

TEST_F(OzoneCliTest, HelpExitsZero) {
  CliRun r = Ozone({"getconf", "--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_NE(r.out.find("confKey"), std::string::npos);
}

TEST_F(OzoneCliTest, MissingExplicitConfigDirIsAnError) {
  CliRun r = Ozone({"--config", tmp_.Sub("absent"), "getconf", "confKey", "x"});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace ozone::tools
