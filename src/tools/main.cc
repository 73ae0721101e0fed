// bin/ozone: the single binary for every Ozone command.
#include <absl/synchronization/mutex.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/logging.h"
#include "tools/cli/ozone_cli.h"

namespace {

// The install root is the directory above the one holding the `ozone` the user ran (bin/ozone
// from the repository root gives the repository root), unless $OZONE_HOME says otherwise.
std::string InstallRoot(const char* argv0) {
  namespace fs = std::filesystem;
  if (const char* home = std::getenv("OZONE_HOME"); home && *home) return home;
  std::error_code ec;
  fs::path invoked(argv0);
  if (invoked.has_parent_path()) {
    return fs::absolute(invoked, ec).parent_path().parent_path().lexically_normal().string();
  }
  return fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path().string();
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's abseil checks every absl::Mutex acquisition (gRPC's, on every call) for lock-order
  // cycles; no command wants that cost (freon spent a tenth of its CPU on it).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ozone::logging::InitForCli();
  std::vector<std::string> args(argv + 1, argv + argc);
  return ozone::tools::RunOzoneCli(args, InstallRoot(argv[0]), std::cout, std::cerr);
}
