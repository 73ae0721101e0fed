// Properties: Java's .properties text format (java.util.Properties), which Ozone's VERSION files
// use: `key=value` lines, `#` or `!` comments, backslash escapes and line continuations.
// Entries keep their insertion order so that files are written in a stable order.
//
// Thread-safety: a value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ozone {

class Properties {
 public:
  // Parses text in the properties format. Never fails: like Java, anything is some property.
  static Properties Parse(std::string_view text);

  // Serializes as Properties.store does: "#<comment>" then one escaped "key=value" per line.
  std::string Serialize(std::string_view comment) const;

  std::optional<std::string> Get(std::string_view key) const;
  void Set(std::string_view key, std::string_view value);
  bool Remove(std::string_view key);
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

  bool operator==(const Properties&) const = default;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace ozone
