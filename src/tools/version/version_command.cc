#include "tools/version/version_command.h"

#include <CLI/CLI.hpp>
#include <ostream>
#include <sstream>

#include "rpc/grpc_status.h"
#include "storage/db_store.h"
#include "tools/version/build_info.h"

namespace ozone::tools {

std::string VersionText() {
  const BuildInfo& b = GetBuildInfo();
  std::ostringstream s;
  s << R"(   ___  ____  ___  _  _  ___
  / _ \|_  / / _ \| \| || __|
 | (_) |/ /_| (_) | .` || _|
  \___//___|\___/|_|\_||___|   metadata HA on Raft, in C++
)";
  s << "                 " << b.version << "(" << kReleaseName << ")\n\n";
  s << "Source code repository " << b.repository << " -r " << b.revision << "\n";
  s << "Compiled with protoc " << b.protoc << ", gRPC " << rpc::GrpcVersion() << " and RocksDB "
    << storage::RocksDbVersion() << "\n";
  s << "Compatible with Apache Ozone " << kCompatibleOzoneVersion << "\n";
  s << "With Raft engine: ozone-raft " << b.version << "\n";
  s << "Compiled on platform linux-x86_64\n\n";
  s << "Using HDDS " << b.version << "\n";
  s << "Source code repository " << b.repository << " -r " << b.revision << "\n";
  s << "Compiled by " << b.user << " on " << b.build_time << "\n";
  return s.str();
}

void RegisterVersionCommand(CLI::App& root, ActionSlot& slot) {
  CLI::App* cmd = root.add_subcommand("version", "Print the version of Ozone");
  OnInvoke(cmd, &slot, [](CommandContext& ctx) {
    ctx.out() << VersionText();
    return Status::OK();
  });
}

}  // namespace ozone::tools
