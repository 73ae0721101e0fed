// Handles the parts of the `ozone` command line that are not per-subcommand options, before
// CLI11 parses the rest:
//   - `--config DIR` / `--config=DIR` (the launcher's option; must come first, as in Ozone);
//   - `--set key=value` / `--set=key=value`, repeatable, accepted anywhere (Ozone accepts it on
//     every command, e.g. `ozone admin --set=k=v scm roles`);
//   - Ozone's dash spellings of getconf subcommands (`getconf -confKey K`).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace ozone::tools {

struct PreprocessedArgs {
  std::optional<std::string> config_dir;
  std::vector<std::string> overrides;  // "key=value"
  std::vector<std::string> args;       // what CLI11 parses (without the program name)
};

// `args` excludes the program name. Fails (a usage error) on `--config` or `--set` without a
// value, or `--set` whose value has no '='.
Result<PreprocessedArgs> PreprocessArgs(const std::vector<std::string>& args);

}  // namespace ozone::tools
