// `ozone version`: the version banner, laid out as Ozone's (version and release, source
// repository and revision, compiler facts, then the HDDS section).
#pragma once

#include <string>

#include "tools/cli/command.h"

namespace CLI {
class App;
}

namespace ozone::tools {

// The release name printed next to the version, as Ozone prints "2.0.0(Tenzing)".
inline constexpr char kReleaseName[] = "Caldera";
// The Apache Ozone release whose commands, config keys and formats this one follows.
inline constexpr char kCompatibleOzoneVersion[] = "2.1.0";

std::string VersionText();
void RegisterVersionCommand(CLI::App& root, ActionSlot& slot);

}  // namespace ozone::tools
