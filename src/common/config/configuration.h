// Configuration: Ozone's key/value configuration, as read from ozone-site.xml and `--set`.
//
// Values are text; typed getters parse them with Hadoop's syntaxes (units.h). Reading a key
// that is unset yields its ConfigKey default (Ozone's ozone-default.xml value). Unknown keys
// are kept and ignored. `${other.key}` and `${env.NAME}` inside a value are substituted when it
// is read, as Hadoop does (up to 20 levels; an unresolved reference is left as is).
//
// Per-node keys: a key suffixed `.<serviceId>.<nodeId>` overrides the generic key for that node
// (`ozone.scm.ratis.port.cluster1.scm2` over `ozone.scm.ratis.port`); see GetForNode.
//
// Thread-safety: const methods may be called concurrently; Set/Unset need external
// synchronization (a Configuration is built once at start-up, then only read).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/config_key.h"
#include "common/config/units.h"
#include "common/result.h"

namespace ozone::config {

class Configuration {
 public:
  Configuration() = default;

  // Sets `key` to `value`. `source` names where it came from ("ozone-site.xml:12", "--set") for
  // messages. A key marked final by an earlier Set is not overridden (Hadoop's <final>).
  void Set(std::string_view key, std::string_view value, std::string_view source = "set",
           bool final = false);
  void Unset(std::string_view key);

  // True if the key was set explicitly (defaults do not count).
  bool IsSet(std::string_view key) const;

  // The value after substitution and trimming, or nullopt if unset.
  std::optional<std::string> Get(std::string_view key) const;
  // Like Get, but falls back to the key's default.
  std::optional<std::string> Get(const ConfigKey& key) const;
  // The value of `<key>.<service_id>.<node_id>` if set, else of `<key>`, else the default.
  std::optional<std::string> GetForNode(const ConfigKey& key, std::string_view service_id,
                                        std::string_view node_id) const;

  std::string GetString(const ConfigKey& key) const { return Get(key).value_or(""); }
  // A comma-separated list, trimmed, empty entries dropped (Hadoop's getTrimmedStrings).
  std::vector<std::string> GetStrings(std::string_view key) const;
  std::vector<std::string> GetStrings(const ConfigKey& key) const;

  // Typed getters: the value, the default if unset, or InvalidArgument naming the key, the
  // value and its source when the text does not parse. A missing key with no default is
  // NotFound.
  Result<int64_t> GetLong(const ConfigKey& key) const;
  Result<int32_t> GetInt(const ConfigKey& key) const;
  Result<bool> GetBool(const ConfigKey& key) const;
  Result<double> GetDouble(const ConfigKey& key) const;
  Result<std::chrono::nanoseconds> GetDuration(const ConfigKey& key, TimeUnit default_unit) const;
  Result<uint64_t> GetStorageSize(const ConfigKey& key, StorageUnit default_unit) const;
  // The same, for a per-node key (see GetForNode).
  Result<int32_t> GetIntForNode(const ConfigKey& key, std::string_view service_id,
                                std::string_view node_id) const;

  // Where a key's value came from, or "default"/"unset".
  std::string SourceOf(std::string_view key) const;

  // All explicitly set keys in name order (raw values, no substitution).
  std::vector<std::pair<std::string, std::string>> Entries() const;

 private:
  struct Entry {
    std::string value;
    std::string source;
    bool final = false;
  };

  std::optional<std::string> Raw(std::string_view key) const;
  std::string Substitute(const std::string& value) const;
  Status ParseError(const ConfigKey& key, const std::string& value, std::string_view what) const;
  template <typename T, typename Parse>
  Result<T> Typed(const ConfigKey& key, Parse parse, std::string_view what) const;

  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace ozone::config
