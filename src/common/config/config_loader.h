// Finds and loads the configuration of a command, as Ozone's launcher does:
//   1. the directory given by `ozone --config DIR`, else
//   2. $OZONE_CONF_DIR, else
//   3. etc/hadoop under the install root (the parent of the directory holding bin/ozone);
// reads ozone-site.xml from it if present, then applies `--set key=value` overrides in order.
//
// Thread-safety: pure functions (reads the environment and the file system).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/config/configuration.h"
#include "common/result.h"

namespace ozone::config {

inline constexpr char kSiteFileName[] = "ozone-site.xml";

struct ConfigSources {
  std::optional<std::string> config_dir;  // from --config
  std::vector<std::string> overrides;     // "key=value" from --set
  std::string install_root;               // the directory above bin/
};

// The directory the configuration is read from (see above).
std::string ResolveConfigDir(const ConfigSources& sources);

// Loads the configuration. Errors: an explicitly given directory that does not exist, a
// malformed ozone-site.xml (file and line in the message), an override without '='.
Result<Configuration> LoadConfiguration(const ConfigSources& sources);

// Applies "key=value" overrides to `conf`.
Status ApplyOverrides(const std::vector<std::string>& overrides, Configuration* conf);

}  // namespace ozone::config
