#include "tools/cli/ozone_cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>

#include "tools/admin/admin_command.h"
#include "tools/cli/argv_preprocessor.h"
#include "tools/cli/command.h"
#include "tools/cli/exit_codes.h"
#include "tools/debug/debug_command.h"
#include "tools/freon/freon_command.h"
#include "tools/getconf/getconf_command.h"
#include "tools/om/om_command.h"
#include "tools/scm/scm_command.h"
#include "tools/sh/sh_command.h"
#include "tools/version/build_info.h"
#include "tools/version/version_command.h"

namespace ozone::tools {

namespace {

// The most specific subcommand the user reached, for printing its usage.
const CLI::App* DeepestParsed(const CLI::App* app) {
  for (const CLI::App* sub : app->get_subcommands()) return DeepestParsed(sub);
  return app;
}

void PrintUsageError(const CLI::App& root, const CLI::Error& e, std::ostream& err) {
  std::string message = e.what();
  if (message == "A subcommand is required") message = "Missing required subcommand";
  err << message << "\n";
  err << DeepestParsed(&root)->help();
}

}  // namespace

int RunOzoneCli(const std::vector<std::string>& raw_args, const std::string& install_root,
                std::ostream& out, std::ostream& err) {
  auto pre = PreprocessArgs(raw_args);
  if (!pre.ok()) {
    err << pre.status().message() << "\n";
    return kExitUsage;
  }

  CLI::App app("Ozone command line: manage and inspect an Ozone cluster.", "ozone");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
  bool show_version = false;
  app.add_flag("-V,--version", show_version, "Print version information and exit");
  app.add_option("--config", "Configuration directory (must come first: ozone --config DIR ...)");
  app.add_option("--set", "Override a configuration key: --set key=value (repeatable)");

  ActionSlot slot;
  RegisterVersionCommand(app, slot);
  RegisterGetconfCommand(app, slot);
  RegisterDebugCommand(app, slot);
  RegisterScmCommand(app, slot);
  RegisterOmCommand(app, slot);
  RegisterAdminCommand(app, slot);
  RegisterShCommand(app, slot);
  RegisterFreonCommand(app, slot, GetBuildInfo().revision);

  NormalizeAdminArgs(&pre->args);
  std::vector<std::string> reversed(pre->args.rbegin(), pre->args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << DeepestParsed(&app)->help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (show_version) {
      out << VersionText();
      return kExitOk;
    }
    PrintUsageError(app, e, err);
    return kExitUsage;
  }
  if (!slot.action) {
    err << "Missing required subcommand\n" << DeepestParsed(&app)->help();
    return kExitUsage;
  }

  CommandContext ctx(out, err,
                     config::ConfigSources{pre->config_dir, pre->overrides, install_root});
  Status status = slot.action(ctx);
  out.flush();
  if (!status.ok()) err << status.message() << "\n";
  if (ctx.exit_code()) return *ctx.exit_code();
  return status.ok() ? kExitOk : kExitError;
}

}  // namespace ozone::tools
