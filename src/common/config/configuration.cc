#include "common/config/configuration.h"

#include <cstdlib>
#include <limits>

#include "common/strings.h"

namespace ozone::config {

namespace {
constexpr int kMaxSubstitutionDepth = 20;
}

void Configuration::Set(std::string_view key, std::string_view value, std::string_view source,
                        bool final) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second.final) return;
    it->second = Entry{std::string(value), std::string(source), final};
    return;
  }
  entries_.emplace(std::string(key), Entry{std::string(value), std::string(source), final});
}

void Configuration::Unset(std::string_view key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) entries_.erase(it);
}

bool Configuration::IsSet(std::string_view key) const {
  return entries_.find(key) != entries_.end();
}

std::optional<std::string> Configuration::Raw(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.value;
}

std::string Configuration::Substitute(const std::string& input) const {
  std::string value = input;
  for (int depth = 0; depth < kMaxSubstitutionDepth; ++depth) {
    size_t start = value.find("${");
    bool replaced = false;
    while (start != std::string::npos) {
      size_t end = value.find('}', start + 2);
      if (end == std::string::npos) break;
      std::string name = value.substr(start + 2, end - start - 2);
      std::optional<std::string> repl;
      if (name.rfind("env.", 0) == 0) {
        if (const char* env = std::getenv(name.c_str() + 4)) repl = env;
      } else if (!name.empty()) {
        repl = Raw(name);
      }
      if (repl) {
        value.replace(start, end - start + 1, *repl);
        replaced = true;
        break;  // rescan from the start: the replacement may hold references itself
      }
      start = value.find("${", end + 1);
    }
    if (!replaced) break;
  }
  return value;
}

std::optional<std::string> Configuration::Get(std::string_view key) const {
  auto raw = Raw(key);
  if (!raw) return std::nullopt;
  return std::string(strings::Trim(Substitute(*raw)));
}

std::optional<std::string> Configuration::Get(const ConfigKey& key) const {
  if (auto v = Get(key.name)) return v;
  if (key.default_value) return std::string(*key.default_value);
  return std::nullopt;
}

std::optional<std::string> Configuration::GetForNode(const ConfigKey& key,
                                                     std::string_view service_id,
                                                     std::string_view node_id) const {
  std::string specific(key.name);
  specific += '.';
  specific += service_id;
  specific += '.';
  specific += node_id;
  if (auto v = Get(specific)) return v;
  return Get(key);
}

std::vector<std::string> Configuration::GetStrings(std::string_view key) const {
  auto v = Get(key);
  return v ? strings::SplitTrimmed(*v) : std::vector<std::string>{};
}

std::vector<std::string> Configuration::GetStrings(const ConfigKey& key) const {
  auto v = Get(key);
  return v ? strings::SplitTrimmed(*v) : std::vector<std::string>{};
}

std::string Configuration::SourceOf(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? "default" : it->second.source;
}

Status Configuration::ParseError(const ConfigKey& key, const std::string& value,
                                 std::string_view what) const {
  return Status::InvalidArgument("invalid value '" + value + "' for " + std::string(key.name) +
                                 " (from " + SourceOf(key.name) + "): " + std::string(what));
}

template <typename T, typename Parse>
Result<T> Configuration::Typed(const ConfigKey& key, Parse parse, std::string_view what) const {
  auto text = Get(key);
  if (!text) return Status::NotFound("configuration " + std::string(key.name) + " is missing");
  std::optional<T> v = parse(*text);
  if (!v) return ParseError(key, *text, what);
  return *v;
}

Result<int64_t> Configuration::GetLong(const ConfigKey& key) const {
  return Typed<int64_t>(
      key, [](const std::string& s) { return strings::ParseInt64(s); }, "expected an integer");
}

Result<int32_t> Configuration::GetInt(const ConfigKey& key) const {
  return Typed<int32_t>(
      key,
      [](const std::string& s) -> std::optional<int32_t> {
        auto v = strings::ParseInt64(s);
        if (!v || *v < std::numeric_limits<int32_t>::min() ||
            *v > std::numeric_limits<int32_t>::max()) {
          return std::nullopt;
        }
        return static_cast<int32_t>(*v);
      },
      "expected a 32-bit integer");
}

Result<int32_t> Configuration::GetIntForNode(const ConfigKey& key, std::string_view service_id,
                                             std::string_view node_id) const {
  auto text = GetForNode(key, service_id, node_id);
  if (!text) return Status::NotFound("configuration " + std::string(key.name) + " is missing");
  auto v = strings::ParseInt64(*text);
  if (!v || *v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
    return ParseError(key, *text, "expected a 32-bit integer");
  }
  return static_cast<int32_t>(*v);
}

Result<bool> Configuration::GetBool(const ConfigKey& key) const {
  return Typed<bool>(
      key,
      [](const std::string& s) -> std::optional<bool> {
        std::string lower = strings::ToLower(s);
        if (lower == "true") return true;
        if (lower == "false") return false;
        return std::nullopt;
      },
      "expected true or false");
}

Result<double> Configuration::GetDouble(const ConfigKey& key) const {
  return Typed<double>(
      key, [](const std::string& s) { return strings::ParseDouble(s); }, "expected a number");
}

Result<std::chrono::nanoseconds> Configuration::GetDuration(const ConfigKey& key,
                                                            TimeUnit default_unit) const {
  auto text = Get(key);
  if (!text) return Status::NotFound("configuration " + std::string(key.name) + " is missing");
  auto v = ParseDuration(*text, default_unit);
  if (!v.ok()) return ParseError(key, *text, v.status().message());
  return v;
}

Result<uint64_t> Configuration::GetStorageSize(const ConfigKey& key,
                                               StorageUnit default_unit) const {
  auto text = Get(key);
  if (!text) return Status::NotFound("configuration " + std::string(key.name) + " is missing");
  auto v = ParseStorageSize(*text, default_unit);
  if (!v.ok()) return ParseError(key, *text, v.status().message());
  return v;
}

std::vector<std::pair<std::string, std::string>> Configuration::Entries() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(entries_.size());
  for (const auto& [k, e] : entries_) out.emplace_back(k, e.value);
  return out;
}

}  // namespace ozone::config
