#include "common/properties.h"

#include <gtest/gtest.h>

namespace ozone {
namespace {

TEST(PropertiesTest, ParsesJavaSyntax) {
  auto p = Properties::Parse(
      "#Tue Mar 16 10:19:33 UTC 2021\n"
      "! another comment\n"
      "cTime=1615889973116\r\n"
      "  clusterID = CID-130fb246\n"
      "nodeType:SCM\n"
      "spaced value\n"
      "multi=one\\\n"
      "    two\n"
      "escaped\\=key=a\\:b\\\\c\\u0041\n"
      "empty=\n");
  EXPECT_EQ(p.Get("cTime"), "1615889973116");
  EXPECT_EQ(p.Get("clusterID"), "CID-130fb246");
  EXPECT_EQ(p.Get("nodeType"), "SCM");
  EXPECT_EQ(p.Get("spaced"), "value");
  EXPECT_EQ(p.Get("multi"), "onetwo");
  EXPECT_EQ(p.Get("escaped=key"), "a:b\\cA");
  EXPECT_EQ(p.Get("empty"), "");
  EXPECT_FALSE(p.Get("missing"));
}

TEST(PropertiesTest, SerializeRoundTripsAndKeepsOrder) {
  Properties p;
  p.Set("cTime", "1");
  p.Set("clusterID", "CID-x");
  p.Set("weird key", "a=b:c#d\\e\nf");
  p.Set("cTime", "2");
  std::string text = p.Serialize("Tue Mar 16 10:19:33 UTC 2021");
  EXPECT_EQ(text.substr(0, text.find('\n')), "#Tue Mar 16 10:19:33 UTC 2021");
  EXPECT_NE(text.find("cTime=2\nclusterID=CID-x\n"), std::string::npos);
  EXPECT_EQ(Properties::Parse(text), p);
}

}  // namespace
}  // namespace ozone
