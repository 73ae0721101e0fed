// FieldSelector: `ozone debug ldb scan --fields=name,acls.type` keeps only the named fields of
// each decoded record, in the record's own field order. Through a repeated field the selection
// applies to every element.
//
// Thread-safety: immutable after Parse.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/json/jackson_printer.h"
#include "common/result.h"

namespace ozone::tools::ldb {

class FieldSelector {
 public:
  static Result<FieldSelector> Parse(
      const std::string& spec,
      const std::function<Status(const std::vector<std::string>&)>& check_path);

  json::Json Project(const json::Json& record) const;

 private:
  struct Node {
    bool whole = false;  // the field itself was named: keep all of it
    std::map<std::string, Node> children;
  };
  static json::Json ProjectNode(const Node& node, const json::Json& v);

  Node root_;
};

}  // namespace ozone::tools::ldb
