#include "common/config/xml_config_parser.h"

#include <cerrno>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>
#include <vector>

#include "common/strings.h"

namespace ozone::config {

namespace {

int LineOf(std::string_view text, ptrdiff_t offset) {
  if (offset < 0) return 1;
  size_t end = std::min(static_cast<size_t>(offset), text.size());
  int line = 1;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

Status ErrorAt(std::string_view source, std::string_view text, ptrdiff_t offset,
               std::string_view what) {
  return Status::InvalidArgument(std::string(source) + ":" + std::to_string(LineOf(text, offset)) +
                                 ": " + std::string(what));
}

struct Property {
  std::string name;
  std::string value;
  bool final = false;
  int line = 0;
};

}  // namespace

Status ParseConfigurationXml(std::string_view xml, std::string_view source_name,
                             Configuration* conf) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!parsed) {
    return ErrorAt(source_name, xml, parsed.offset,
                   std::string("malformed XML: ") + parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  if (!root || std::string_view(root.name()) != "configuration") {
    return ErrorAt(source_name, xml, root ? root.offset_debug() : 0,
                   std::string("root element must be <configuration>, found <") +
                       (root ? root.name() : "") + ">");
  }

  // Collect first, apply after: a bad property leaves `conf` untouched.
  std::vector<Property> properties;
  for (pugi::xml_node node : root.children()) {
    if (node.type() != pugi::node_element) continue;
    std::string_view tag = node.name();
    if (tag != "property") continue;  // Hadoop ignores other elements (with a warning)
    Property p;
    p.line = LineOf(xml, node.offset_debug());
    bool has_value = false;
    if (auto a = node.attribute("name")) p.name = strings::Trim(a.value());
    if (auto a = node.attribute("value")) {
      p.value = a.value();
      has_value = true;
    }
    if (auto a = node.attribute("final")) p.final = strings::ToLower(a.value()) == "true";
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      std::string_view ctag = child.name();
      if (ctag == "name") {
        p.name = strings::Trim(child.text().get());
      } else if (ctag == "value") {
        p.value = child.text().get();
        has_value = true;
      } else if (ctag == "final") {
        p.final = strings::ToLower(strings::Trim(child.text().get())) == "true";
      }
    }
    if (p.name.empty()) {
      return ErrorAt(source_name, xml, node.offset_debug(), "<property> without a <name>");
    }
    if (!has_value) continue;
    properties.push_back(std::move(p));
  }
  for (const auto& p : properties) {
    conf->Set(p.name, p.value, std::string(source_name) + ":" + std::to_string(p.line), p.final);
  }
  return Status::OK();
}

Status LoadConfigurationFile(const std::string& path, Configuration* conf) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("cannot read configuration file " + path, errno);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::IoError("error reading configuration file " + path);
  return ParseConfigurationXml(buffer.str(), path, conf);
}

}  // namespace ozone::config
