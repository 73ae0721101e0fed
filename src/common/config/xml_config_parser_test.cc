#include "common/config/xml_config_parser.h"

#include <gtest/gtest.h>

namespace ozone::config {
namespace {

TEST(XmlConfigParserTest, ReadsHadoopPropertyElements) {
  Configuration conf;
  Status s = ParseConfigurationXml(R"(<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="configuration.xsl"?>
<configuration>
  <!-- a comment -->
  <property>
    <name>ozone.scm.service.ids</name>
    <value>cluster1</value>
    <description>ignored</description>
  </property>
  <property>
     <name> ozone.scm.nodes.cluster1 </name>
     <value>scm1,scm2,scm3</value>
     <final>true</final>
  </property>
  <property name="attr.key" value="attr.value"/>
  <property><name>empty.value</name><value/></property>
  <property><name>no.value</name></property>
  <unknown>ignored</unknown>
</configuration>
)",
                                   "ozone-site.xml", &conf);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(conf.Get("ozone.scm.service.ids"), "cluster1");
  EXPECT_EQ(conf.Get("ozone.scm.nodes.cluster1"), "scm1,scm2,scm3");
  EXPECT_EQ(conf.Get("attr.key"), "attr.value");
  EXPECT_EQ(conf.Get("empty.value"), "");
  EXPECT_FALSE(conf.IsSet("no.value"));
  EXPECT_EQ(conf.SourceOf("ozone.scm.service.ids"), "ozone-site.xml:5");
  // <final> holds against later overrides.
  conf.Set("ozone.scm.nodes.cluster1", "x", "--set");
  EXPECT_EQ(conf.Get("ozone.scm.nodes.cluster1"), "scm1,scm2,scm3");
}

TEST(XmlConfigParserTest, MalformedXmlNamesFileAndLine) {
  Configuration conf;
  conf.Set("kept", "1");
  Status s = ParseConfigurationXml(
      "<configuration>\n<property>\n<name>a</name>\n<value>1</valu>\n</property>\n"
      "</configuration>\n",
      "/etc/ozone/ozone-site.xml", &conf);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("/etc/ozone/ozone-site.xml:4:"), std::string::npos) << s;
  EXPECT_FALSE(conf.IsSet("a"));
  EXPECT_EQ(conf.Get("kept"), "1");
}

TEST(XmlConfigParserTest, WrongRootAndNamelessPropertyAreErrors) {
  Configuration conf;
  Status root = ParseConfigurationXml("<settings/>", "f.xml", &conf);
  EXPECT_FALSE(root.ok());
  EXPECT_NE(root.message().find("<configuration>"), std::string::npos);

  Status nameless = ParseConfigurationXml(
      "<configuration>\n<property><name>a</name><value>1</value></property>\n"
      "<property><value>2</value></property>\n</configuration>",
      "f.xml", &conf);
  ASSERT_FALSE(nameless.ok());
  EXPECT_NE(nameless.message().find("f.xml:3:"), std::string::npos) << nameless;
  EXPECT_FALSE(conf.IsSet("a"));  // nothing applied from a bad file

  EXPECT_FALSE(ParseConfigurationXml("", "f.xml", &conf).ok());
}

TEST(XmlConfigParserTest, MissingFileIsNotFound) {
  Configuration conf;
  EXPECT_TRUE(LoadConfigurationFile("/nonexistent/ozone-site.xml", &conf).IsNotFound());
}

}  // namespace
}  // namespace ozone::config
