#include "common/json/jackson_printer.h"

#include <gtest/gtest.h>

namespace ozone::json {
namespace {

TEST(JacksonPrinterTest, MatchesJacksonDefaultPrettyPrinter) {
  Json v = Json::object();
  v["name"] = "vol1";
  v["quotaInBytes"] = -1;
  v["tags"] = Json::array({"a", "b"});
  v["acls"] = Json::array({Json{{"type", "USER"}, {"name", "hadoop"}}, Json{{"type", "GROUP"}}});
  v["metadata"] = Json::object();
  v["empty"] = Json::array();
  v["nested"] = Json{{"inner", Json{{"x", true}}}};
  EXPECT_EQ(PrettyPrint(v),
            "{\n"
            "  \"name\" : \"vol1\",\n"
            "  \"quotaInBytes\" : -1,\n"
            "  \"tags\" : [ \"a\", \"b\" ],\n"
            "  \"acls\" : [ {\n"
            "    \"type\" : \"USER\",\n"
            "    \"name\" : \"hadoop\"\n"
            "  }, {\n"
            "    \"type\" : \"GROUP\"\n"
            "  } ],\n"
            "  \"metadata\" : { },\n"
            "  \"empty\" : [ ],\n"
            "  \"nested\" : {\n"
            "    \"inner\" : {\n"
            "      \"x\" : true\n"
            "    }\n"
            "  }\n"
            "}");
}

TEST(JacksonPrinterTest, ScalarsAndCompactForm) {
  EXPECT_EQ(PrettyPrint(Json("a\"b")), "\"a\\\"b\"");
  EXPECT_EQ(PrettyPrint(Json(42)), "42");
  EXPECT_EQ(PrettyPrint(Json::array()), "[ ]");
  EXPECT_EQ(CompactPrint(Json{{"a", 1}, {"b", Json::array({1, 2})}}), "{\"a\":1,\"b\":[1,2]}");
}

}  // namespace
}  // namespace ozone::json
