// ConfigReloader: re-reads the configuration of a running process from the sources it started
// from, as Ozone's OzoneManager.reloadConfiguration does (a new OzoneConfiguration reads
// ozone-site.xml again): the same directory (`--config DIR`, else $OZONE_CONF_DIR, else etc/hadoop
// under the install root; resolved once, when the reloader is made) and the same `--set`
// overrides on top. A running OM re-reads its configuration to learn about an OM that was added
// to ozone-site.xml after it started (`ozone om --bootstrap`).
//
// A process built from an in-memory configuration has nothing to re-read: Fixed() hands that
// configuration back on every Reload.
//
// Thread-safety: immutable; Reload may be called from any thread (each call reads the file anew).
#pragma once

#include <optional>
#include <string>

#include "common/config/config_loader.h"
#include "common/config/configuration.h"
#include "common/result.h"

namespace ozone::config {

class ConfigReloader {
 public:
  // Re-reads `sources` (see config_loader.h).
  explicit ConfigReloader(ConfigSources sources);
  // Always returns `conf`.
  static ConfigReloader Fixed(Configuration conf);

  // The configuration as the sources say now. Errors as LoadConfiguration's (a malformed
  // ozone-site.xml names the file and line; an explicitly given directory that vanished).
  Result<Configuration> Reload() const;

  // The directory ozone-site.xml is re-read from; empty for a fixed configuration.
  const std::string& config_dir() const { return dir_; }

 private:
  ConfigReloader() = default;

  std::optional<ConfigSources> sources_;
  std::string dir_;
  std::optional<Configuration> fixed_;
};

}  // namespace ozone::config
