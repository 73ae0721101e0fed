#include "tools/cli/argv_preprocessor.h"

#include <gtest/gtest.h>

namespace ozone::tools {
namespace {

using Args = std::vector<std::string>;

TEST(ArgvPreprocessorTest, ExtractsLeadingConfigAndAnySet) {
  auto p = PreprocessArgs(
      {"--config", "/etc/oz", "admin", "--set=a.b=1", "scm", "--set", "c=d=e", "roles"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->config_dir, "/etc/oz");
  EXPECT_EQ(p->overrides, (Args{"a.b=1", "c=d=e"}));
  EXPECT_EQ(p->args, (Args{"admin", "scm", "roles"}));

  auto eq = PreprocessArgs({"--config=/x", "version"});
  EXPECT_EQ(eq->config_dir, "/x");
}

TEST(ArgvPreprocessorTest, RewritesGetconfDashForms) {
  EXPECT_EQ(PreprocessArgs({"getconf", "-confKey", "k"})->args, (Args{"getconf", "confKey", "k"}));
  EXPECT_EQ(PreprocessArgs({"getconf", "-ozonemanagers"})->args,
            (Args{"getconf", "ozonemanagers"}));
  EXPECT_EQ(PreprocessArgs({"getconf", "-storagecontainermanagers"})->args,
            (Args{"getconf", "storagecontainermanagers"}));
  // Only right after getconf.
  EXPECT_EQ(PreprocessArgs({"sh", "-confKey"})->args, (Args{"sh", "-confKey"}));
}

TEST(ArgvPreprocessorTest, RejectsIncompleteOptions) {
  EXPECT_FALSE(PreprocessArgs({"--config"}).ok());
  EXPECT_FALSE(PreprocessArgs({"version", "--set"}).ok());
  EXPECT_FALSE(PreprocessArgs({"version", "--set", "novalue"}).ok());
  EXPECT_FALSE(PreprocessArgs({"version", "--set==x"}).ok());
}

TEST(ArgvPreprocessorTest, LeavesArgumentsAfterDoubleDashAlone) {
  auto p = PreprocessArgs({"sh", "--", "--set", "x"});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->overrides.empty());
  EXPECT_EQ(p->args, (Args{"sh", "--", "--set", "x"}));
}

}  // namespace
}  // namespace ozone::tools
