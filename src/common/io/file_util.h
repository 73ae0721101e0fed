// Durable file helpers: atomic replacement (write a temp file, fsync, rename, fsync the
// directory) so that a crash leaves either the old or the new content, never a mix.
//
// Thread-safety: functions are safe to call concurrently on different paths.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ozone::io {

// Replaces `path` with `contents` atomically and durably. Creates parent directories.
Status WriteFileAtomically(const std::string& path, std::string_view contents);

// Reads a whole file. NotFound if it does not exist.
Result<std::string> ReadFile(const std::string& path);

// fsync of a directory, so that a rename or create in it is durable.
Status SyncDirectory(const std::string& dir);

// Creates `dir` and its parents if missing.
Status CreateDirectories(const std::string& dir);

}  // namespace ozone::io
