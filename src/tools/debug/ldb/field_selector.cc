#include "tools/debug/ldb/field_selector.h"

#include "common/strings.h"

namespace ozone::tools::ldb {

Result<FieldSelector> FieldSelector::Parse(
    const std::string& spec,
    const std::function<Status(const std::vector<std::string>&)>& check_path) {
  FieldSelector selector;
  for (const std::string& field : strings::SplitTrimmed(spec, ',')) {
    std::vector<std::string> path = strings::Split(field, '.');
    for (const auto& p : path) {
      if (p.empty())
        return Status::InvalidArgument("Error: empty field in --fields \"" + field + "\"");
    }
    OZ_RETURN_IF_ERROR(check_path(path));
    Node* node = &selector.root_;
    for (const auto& p : path) node = &node->children[p];
    node->whole = true;
  }
  return selector;
}

json::Json FieldSelector::Project(const json::Json& record) const {
  return ProjectNode(root_, record);
}

json::Json FieldSelector::ProjectNode(const Node& node, const json::Json& v) {
  if (node.whole || node.children.empty()) return v;
  if (v.is_array()) {
    json::Json out = json::Json::array();
    for (const auto& e : v) out.push_back(ProjectNode(node, e));
    return out;
  }
  if (!v.is_object()) return v;
  json::Json out = json::Json::object();
  for (auto it = v.begin(); it != v.end(); ++it) {
    auto child = node.children.find(it.key());
    if (child != node.children.end()) out[it.key()] = ProjectNode(child->second, it.value());
  }
  return out;
}

}  // namespace ozone::tools::ldb
