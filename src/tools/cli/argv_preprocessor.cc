#include "tools/cli/argv_preprocessor.h"

#include <set>

namespace ozone::tools {

namespace {

const std::set<std::string>& DashGetconfCommands() {
  static const std::set<std::string> kCommands = {"-confKey", "-storagecontainermanagers",
                                                  "-ozonemanagers"};
  return kCommands;
}

}  // namespace

Result<PreprocessedArgs> PreprocessArgs(const std::vector<std::string>& args) {
  PreprocessedArgs out;
  size_t i = 0;
  // The launcher's --config comes before the command.
  if (i < args.size() && (args[i] == "--config" || args[i].rfind("--config=", 0) == 0)) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) return Status::InvalidArgument("--config needs a directory");
      out.config_dir = args[i + 1];
      i += 2;
    } else {
      out.config_dir = args[i].substr(9);
      ++i;
    }
    if (out.config_dir->empty()) return Status::InvalidArgument("--config needs a directory");
  }
  bool after_double_dash = false;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!after_double_dash && a == "--") {
      after_double_dash = true;
      out.args.push_back(a);
      continue;
    }
    if (!after_double_dash && (a == "--set" || a.rfind("--set=", 0) == 0)) {
      std::string value;
      if (a == "--set") {
        if (i + 1 >= args.size()) return Status::InvalidArgument("--set needs key=value");
        value = args[++i];
      } else {
        value = a.substr(6);
      }
      if (value.find('=') == std::string::npos || value.front() == '=') {
        return Status::InvalidArgument(
            "Value for option '--set' should be in KEY=VALUE format but "
            "was " +
            value);
      }
      out.overrides.push_back(value);
      continue;
    }
    if (!after_double_dash && !out.args.empty() && out.args.back() == "getconf" &&
        DashGetconfCommands().count(a)) {
      out.args.push_back(a.substr(1));
      continue;
    }
    out.args.push_back(a);
  }
  return out;
}

}  // namespace ozone::tools
