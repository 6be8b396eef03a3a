// sqmsctl: the SQMS operator CLI. Parses flags and runs the chosen command;
// all logic lives in sqmsctl_lib.
#include <exception>
#include <iostream>

#include "tools/sqmsctl/commands.h"

int main(int argc, char** argv) {
  using namespace sqms::tools;
  CLI::App app{"sqmsctl: operate SQMS complaints, contact events, KPIs and emergency response"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags also after the subcommand (inherited)
  Cli cli;
  RegisterGlobalFlags(app, cli.global);
  RegisterComplaintCommands(app, cli);
  RegisterLifecycleCommands(app, cli);
  RegisterTriageCommands(app, cli);
  RegisterContactCommands(app, cli);
  RegisterKpiCommands(app, cli);
  RegisterAlertsCommands(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!cli.run) return kExitUsage;
  if (int code = ApplyDisplayZone(cli.global); code != kExitOk) return code;
  if (int code = LoadCredentials(cli.global); code != kExitOk) return code;
  try {
    return cli.run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return kExitFailure;
  }
}
