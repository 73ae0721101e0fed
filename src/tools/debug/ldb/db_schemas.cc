#include "tools/debug/ldb/db_schemas.h"

#include <filesystem>

#include "om/metadata/om_db_definition.h"
#include "scm/metadata/scm_db_definition.h"

namespace ozone::tools::ldb {

namespace {

bool PrintableUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    size_t extra = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 0;
    if (extra == 0 || i + extra >= s.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

struct RawBytesCodec {
  using Type = std::string;
  static std::string Name() { return "bytes"; }
  static std::string Encode(const std::string& v) { return v; }
  static Result<std::string> Decode(std::string_view b) { return std::string(b); }
  static json::Json ToJson(const std::string& v) {
    if (PrintableUtf8(v)) return v;
    static const char kHex[] = "0123456789abcdef";
    std::string hex = "0x";
    for (unsigned char c : v) {
      hex += kHex[c >> 4];
      hex += kHex[c & 15];
    }
    return hex;
  }
  static Result<std::string> FromText(std::string_view t) { return std::string(t); }
};

}  // namespace

const storage::DBDefinition* SchemaFor(const std::string& db_path) {
  std::string path = db_path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  std::string name = std::filesystem::path(path).filename().string();
  if (name == scm::ScmDbDefinition().db_name()) return &scm::ScmDbDefinition();
  if (name == om::OmDbDefinition().db_name()) return &om::OmDbDefinition();
  return nullptr;
}

std::shared_ptr<const storage::FieldCodec> RawCodec() {
  return storage::MakeFieldCodec<RawBytesCodec>();
}

}  // namespace ozone::tools::ldb
