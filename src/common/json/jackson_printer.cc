#include "common/json/jackson_printer.h"

namespace ozone::json {

namespace {

void Indent(std::string* out, int level) { out->append(static_cast<size_t>(level) * 2, ' '); }

void Print(const Json& v, int level, std::string* out) {
  if (v.is_object()) {
    if (v.empty()) {
      *out += "{ }";
      return;
    }
    *out += "{\n";
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) *out += ",\n";
      first = false;
      Indent(out, level + 1);
      *out += Json(it.key()).dump();
      *out += " : ";
      Print(it.value(), level + 1, out);
    }
    *out += '\n';
    Indent(out, level);
    *out += '}';
  } else if (v.is_array()) {
    if (v.empty()) {
      *out += "[ ]";
      return;
    }
    *out += "[ ";
    bool first = true;
    for (const auto& e : v) {
      if (!first) *out += ", ";
      first = false;
      Print(e, level, out);
    }
    *out += " ]";
  } else {
    *out += v.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

}  // namespace

std::string PrettyPrint(const Json& value) {
  std::string out;
  Print(value, 0, &out);
  return out;
}

std::string CompactPrint(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace ozone::json
