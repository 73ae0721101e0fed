// Facts about this build, generated at build time (cmake/BuildInfo.cmake).
#pragma once

#include <string>

namespace ozone::tools {

struct BuildInfo {
  std::string version;     // project version, e.g. "0.1.0"
  std::string revision;    // git commit ("-dirty" if the tree had changes)
  std::string repository;  // git remote URL, or the source directory
  std::string protoc;      // protoc version
  std::string user;        // who built it
  std::string build_time;  // when (UTC)
};

const BuildInfo& GetBuildInfo();

}  // namespace ozone::tools
