// Test helper: runs the `ozone` command in-process and captures its exit code and output.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "tools/cli/ozone_cli.h"

namespace ozone::tools {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

inline CliRun RunCli(const std::vector<std::string>& args, const std::string& install_root) {
  std::ostringstream out, err;
  int code = RunOzoneCli(args, install_root, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace ozone::tools
