// Small state files of the log directory (the hard state, the snapshot metadata): a checksummed
// payload replaced atomically and durably (temp file, fsync, rename, fsync of the directory), so
// that a crash leaves the old or the new content, and damage is detected rather than parsed.
//
// Format (FORMAT.md): u32 length | u32 crc32c(length bytes + payload) | payload.
//
// Thread-safety: functions; concurrent calls must name different paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ozone::raft {

// Replaces `path` with `payload`; durable when it returns.
Status WriteStateFile(const std::string& path, std::string_view payload);

// The payload of `path`; nullopt if the file does not exist; Corruption (naming the file) if it
// is damaged.
Result<std::optional<std::string>> ReadStateFile(const std::string& path);

}  // namespace ozone::raft
