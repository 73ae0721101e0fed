// Exit codes of the `ozone` command, as Ozone's picocli-based CLI uses them.
#pragma once

namespace ozone::tools {

inline constexpr int kExitOk = 0;
// Usage errors: unknown option, missing argument or subcommand. Usage is printed.
inline constexpr int kExitUsage = 2;
// Everything else: validation, server and I/O errors. A one-line message is printed.
inline constexpr int kExitError = 255;

}  // namespace ozone::tools
