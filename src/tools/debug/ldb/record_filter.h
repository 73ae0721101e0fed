// RecordFilter: `ozone debug ldb scan --filter=<field>:<op>:<value>[,...]` on decoded records.
//   op: equals (text equality), lesser (value <= v), greater (value >= v) (numeric), regex
//   (a match anywhere in the text). Fields are dotted paths into nested records ("acls.name");
//   through a repeated field the condition holds if any element satisfies it. Several filters
//   must all hold, also several on one field ("size:greater:10,size:lesser:20"; Ozone refuses
//   that). A record without the field is not excluded by that filter (as Ozone, where a
//   null field skips the check).
//
// Thread-safety: immutable after Parse.
#pragma once

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "common/json/jackson_printer.h"
#include "common/result.h"

namespace ozone::tools::ldb {

class RecordFilter {
 public:
  enum class Op { kEquals, kLesser, kGreater, kRegex };

  // Parses the --filter text. Each field path is checked with `check_path` (schema validation).
  static Result<RecordFilter> Parse(
      const std::string& spec,
      const std::function<Status(const std::vector<std::string>&)>& check_path);

  // Whether `record` passes; InvalidArgument if a numeric comparison meets a non-number.
  Result<bool> Matches(const json::Json& record) const;

 private:
  struct Condition {
    Op op;
    std::string value;
    double number = 0;
    std::shared_ptr<std::regex> regex;
  };
  struct Node {
    std::vector<Condition> conditions;  // on leaves; all must hold
    std::map<std::string, Node> children;
  };

  static Result<bool> MatchNode(const std::map<std::string, Node>& fields, const json::Json& v);
  static Result<bool> MatchValue(const Node& node, const json::Json& v);
  static Result<bool> MatchLeaf(const std::vector<Condition>& conditions, const json::Json& v);

  std::map<std::string, Node> root_;
};

}  // namespace ozone::tools::ldb
