// The `ozone` command: parses the command line, runs the chosen subcommand, and maps the
// outcome to Ozone's exit codes (0 ok, 2 usage, 255 error). Runnable in-process for tests.
//
// Thread-safety: one invocation at a time per set of streams.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ozone::tools {

// `args` excludes the program name; `install_root` is the directory above bin/ (for
// etc/hadoop). Returns the exit code.
int RunOzoneCli(const std::vector<std::string>& args, const std::string& install_root,
                std::ostream& out, std::ostream& err);

}  // namespace ozone::tools
