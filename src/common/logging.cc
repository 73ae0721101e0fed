#include "common/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <vector>

namespace ozone::logging {

spdlog::level::level_enum ParseLevel(const std::string& name, spdlog::level::level_enum fallback) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "warning") lower = "warn";
  if (lower == "fatal") lower = "critical";
  auto level = spdlog::level::from_str(lower);
  if (level == spdlog::level::off && lower != "off") return fallback;
  return level;
}

static spdlog::level::level_enum LevelFromEnv(spdlog::level::level_enum fallback) {
  const char* env = std::getenv("OZONE_LOG_LEVEL");
  return env ? ParseLevel(env, fallback) : fallback;
}

void InitForCli() {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("ozone", sink);
  logger->set_pattern("%L %v");
  logger->set_level(LevelFromEnv(spdlog::level::warn));
  spdlog::set_default_logger(logger);
}

Status InitForServer(const std::string& name, const std::string& file) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (!file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file));
    } catch (const spdlog::spdlog_ex& e) {
      return Status::IoError("cannot open log file " + file + ": " + e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
  logger->set_pattern("%Y-%m-%d %H:%M:%S,%e %l [%t] %v");
  logger->set_level(LevelFromEnv(spdlog::level::info));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
  return Status::OK();
}

}  // namespace ozone::logging
