// ConfigKey: a configuration key name with Ozone's default value, as text in the same syntax a
// user would write in ozone-site.xml ("5s", "64MB", "true"). A key without a default is
// std::nullopt: reading it when unset yields "missing".
//
// Thread-safety: immutable constants.
#pragma once

#include <optional>
#include <string_view>

namespace ozone::config {

struct ConfigKey {
  std::string_view name;
  std::optional<std::string_view> default_value;
  // One line for `ozone getconf` and documentation.
  std::string_view description;
};

}  // namespace ozone::config
