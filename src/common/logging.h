// Logging: spdlog, set up once per process.
//
// Servers log to a file under their log directory and to stderr; CLI commands log warnings and
// errors to stderr only, so that their stdout stays clean for scripts.
//
// Thread-safety: spdlog loggers are thread-safe; Init* must run before other threads log.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

#include "common/status.h"

namespace ozone::logging {

// Parses "trace", "debug", "info", "warn", "error", "off" (case-insensitive).
spdlog::level::level_enum ParseLevel(const std::string& name, spdlog::level::level_enum fallback);

// CLI commands: warnings and errors to stderr, no timestamps. Level from $OZONE_LOG_LEVEL.
void InitForCli();

// Servers: "<time> <level> [<thread>] <message>" to stderr and to `file` (if not empty).
// Level from $OZONE_LOG_LEVEL, else info.
Status InitForServer(const std::string& name, const std::string& file);

}  // namespace ozone::logging
