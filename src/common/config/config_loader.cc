#include "common/config/config_loader.h"

#include <cstdlib>
#include <filesystem>

#include "common/config/xml_config_parser.h"
#include "common/strings.h"

namespace ozone::config {

namespace fs = std::filesystem;

std::string ResolveConfigDir(const ConfigSources& sources) {
  if (sources.config_dir) return *sources.config_dir;
  if (const char* env = std::getenv("OZONE_CONF_DIR"); env && *env) return env;
  return (fs::path(sources.install_root) / "etc" / "hadoop").string();
}

Status ApplyOverrides(const std::vector<std::string>& overrides, Configuration* conf) {
  for (const auto& o : overrides) {
    size_t eq = o.find('=');
    if (eq == std::string::npos || strings::Trim(o.substr(0, eq)).empty()) {
      return Status::InvalidArgument("--set takes key=value, got '" + o + "'");
    }
    conf->Set(strings::Trim(o.substr(0, eq)), o.substr(eq + 1), "--set");
  }
  return Status::OK();
}

Result<Configuration> LoadConfiguration(const ConfigSources& sources) {
  Configuration conf;
  std::string dir = ResolveConfigDir(sources);
  std::error_code ec;
  bool explicit_dir = sources.config_dir.has_value();
  if (!fs::is_directory(dir, ec)) {
    if (explicit_dir) {
      return Status::InvalidArgument("configuration directory " + dir + " does not exist");
    }
  } else {
    fs::path site = fs::path(dir) / kSiteFileName;
    if (fs::exists(site, ec)) OZ_RETURN_IF_ERROR(LoadConfigurationFile(site.string(), &conf));
  }
  OZ_RETURN_IF_ERROR(ApplyOverrides(sources.overrides, &conf));
  return conf;
}

}  // namespace ozone::config
