#include "tools/debug/ldb/record_filter.h"

#include "common/strings.h"

namespace ozone::tools::ldb {

namespace {

std::string TextOf(const json::Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

Result<RecordFilter> RecordFilter::Parse(
    const std::string& spec,
    const std::function<Status(const std::vector<std::string>&)>& check_path) {
  RecordFilter filter;
  for (const std::string& item : strings::Split(spec, ',')) {
    std::vector<std::string> parts = strings::Split(item, ':');
    if (parts.size() < 3) {
      return Status::InvalidArgument("Error: Invalid format for filter \"" + item +
                                     "\". Usage: <field>:<operator>:<value>");
    }
    // The value may itself contain ':' (a regex, a time).
    std::string value = parts[2];
    for (size_t i = 3; i < parts.size(); ++i) value += ":" + parts[i];
    Condition c;
    std::string op = strings::ToLower(parts[1]);
    if (op == "equals") {
      c.op = Op::kEquals;
    } else if (op == "lesser" || op == "greater") {
      c.op = op == "lesser" ? Op::kLesser : Op::kGreater;
      auto n = strings::ParseDouble(value);
      if (!n) {
        return Status::InvalidArgument(
            "LESSER or GREATER operation can be performed only on numeric values.");
      }
      c.number = *n;
    } else if (op == "regex") {
      c.op = Op::kRegex;
      try {
        c.regex = std::make_shared<std::regex>(value, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return Status::InvalidArgument("Error: invalid regex \"" + value + "\": " + e.what());
      }
    } else {
      return Status::InvalidArgument("Error: Invalid operator for filter \"" + item +
                                     "\". <operator> can be one of [EQUALS,LESSER,GREATER,REGEX]");
    }
    c.value = value;
    std::vector<std::string> path = strings::Split(parts[0], '.');
    for (const auto& p : path) {
      if (p.empty())
        return Status::InvalidArgument("Error: empty field in filter \"" + item + "\"");
    }
    OZ_RETURN_IF_ERROR(check_path(path));
    std::map<std::string, Node>* level = &filter.root_;
    for (size_t i = 0; i < path.size(); ++i) {
      Node& node = (*level)[path[i]];
      bool last = i + 1 == path.size();
      if ((!node.conditions.empty() && !last) || (last && !node.children.empty())) {
        return Status::InvalidArgument("Cannot have filter for both parent and child");
      }
      if (last) node.conditions.push_back(c);
      level = &node.children;
    }
  }
  return filter;
}

Result<bool> RecordFilter::Matches(const json::Json& record) const {
  return MatchNode(root_, record);
}

Result<bool> RecordFilter::MatchNode(const std::map<std::string, Node>& fields,
                                     const json::Json& v) {
  if (!v.is_object()) return true;
  for (const auto& [name, node] : fields) {
    auto it = v.find(name);
    if (it == v.end() || it->is_null()) continue;  // absent: this filter is skipped
    OZ_ASSIGN_OR_RETURN(bool ok, MatchValue(node, *it));
    if (!ok) return false;
  }
  return true;
}

Result<bool> RecordFilter::MatchValue(const Node& node, const json::Json& v) {
  if (v.is_array()) {
    for (const auto& element : v) {
      OZ_ASSIGN_OR_RETURN(bool ok, MatchValue(node, element));
      if (ok) return true;
    }
    return false;
  }
  if (!node.conditions.empty()) return MatchLeaf(node.conditions, v);
  return MatchNode(node.children, v);
}

Result<bool> RecordFilter::MatchLeaf(const std::vector<Condition>& conditions,
                                     const json::Json& v) {
  std::string text = TextOf(v);
  for (const Condition& c : conditions) {
    bool ok = false;
    switch (c.op) {
      case Op::kEquals:
        ok = text == c.value;
        break;
      case Op::kRegex:
        ok = std::regex_search(text, *c.regex);
        break;
      case Op::kLesser:
      case Op::kGreater: {
        auto n =
            v.is_number() ? std::optional<double>(v.get<double>()) : strings::ParseDouble(text);
        if (!n) {
          return Status::InvalidArgument(
              "LESSER or GREATER operation can be performed only on numeric values.");
        }
        ok = c.op == Op::kLesser ? *n <= c.number : *n >= c.number;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace ozone::tools::ldb
