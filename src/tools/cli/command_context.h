// CommandContext: what every `ozone` subcommand gets: its output streams and the configuration,
// loaded on first use (so `ozone version` works even with a broken ozone-site.xml, while every
// command that reads configuration fails with the file and line).
//
// Thread-safety: used by the one thread that runs a command.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>

#include "common/config/config_loader.h"
#include "common/config/configuration.h"
#include "common/result.h"

namespace ozone::tools {

class CommandContext {
 public:
  CommandContext(std::ostream& out, std::ostream& err, config::ConfigSources sources)
      : out_(out), err_(err), sources_(std::move(sources)) {}

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // The configuration (ozone-site.xml + --set), loaded once.
  Result<const config::Configuration*> conf();
  // Where conf() is read from (for a server that re-reads it while running).
  const config::ConfigSources& sources() const { return sources_; }

  // The command's exit code instead of 0 / 255 (a run interrupted by a signal exits 128 + it).
  void set_exit_code(int code) { exit_code_ = code; }
  std::optional<int> exit_code() const { return exit_code_; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  config::ConfigSources sources_;
  std::optional<config::Configuration> conf_;
  std::optional<int> exit_code_;
};

}  // namespace ozone::tools
