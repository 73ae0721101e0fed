#include "common/config/config_reloader.h"

#include <filesystem>

namespace ozone::config {

ConfigReloader::ConfigReloader(ConfigSources sources)
    : sources_(std::move(sources)), dir_(ResolveConfigDir(*sources_)) {}

ConfigReloader ConfigReloader::Fixed(Configuration conf) {
  ConfigReloader r;
  r.fixed_ = std::move(conf);
  return r;
}

Result<Configuration> ConfigReloader::Reload() const {
  if (fixed_) return *fixed_;
  ConfigSources sources = *sources_;
  std::error_code ec;
  if (!sources.config_dir && !std::filesystem::is_directory(dir_, ec)) {
    // As at start: an implicit directory that does not exist contributes nothing.
    Configuration conf;
    OZ_RETURN_IF_ERROR(ApplyOverrides(sources.overrides, &conf));
    return conf;
  }
  sources.config_dir = dir_;
  return LoadConfiguration(sources);
}

}  // namespace ozone::config
