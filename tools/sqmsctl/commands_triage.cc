// triage explain: what the service's triage would decide for a text, and
// why — the operator's tool for checking and fixing the triage config. The
// service creates nothing.
#include <iostream>
#include <memory>

#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/triage_view.h"

namespace sqms::tools {
namespace {

namespace cv1 = ::sqms::complaints::v1;

int Explain(const GlobalOptions& global, const cv1::ExplainTriageRequest& request) {
  grpc::ClientContext context;
  PrepareContext(global.client, true, context);
  cv1::ExplainTriageResponse response;
  grpc::Status status = NewComplaintStub(global)->ExplainTriage(&context, request, &response);
  if (!status.ok()) return ReportRpcError(status);
  if (global.format() == OutputFormat::kJson) {
    std::cout << ToJson(response) << std::endl;
  } else {
    std::cout << ExplainTriageText(response);
  }
  return kExitOk;
}

}  // namespace

void RegisterTriageCommands(CLI::App& app, Cli& cli) {
  CLI::App* triage = app.add_subcommand("triage", "inspect the triage rules");
  triage->require_subcommand(1);
  auto request = std::make_shared<cv1::ExplainTriageRequest>();
  CLI::App* explain = triage->add_subcommand(
      "explain", "show how a text would be classified and why (creates nothing)");
  explain->add_option_function<std::string>(
      "text", [request](const std::string& v) { request->set_content(v); },
      "the complaint text")->required();
  explain->add_option_function<std::string>(
      "--title", [request](const std::string& v) { request->set_title(v); }, "a title");
  explain->add_option_function<std::string>(
      "--station", [request](const std::string& v) { request->mutable_location()->set_station(v); },
      "station, for routing");
  explain->add_option_function<std::string>(
      "--region", [request](const std::string& v) { request->mutable_location()->set_region(v); },
      "region, for routing");
  explain->callback([&cli, request] {
    cli.run = [&cli, request] { return Explain(cli.global, *request); };
  });
}

}  // namespace sqms::tools
