// contact stream FILE: call-center contact events from a JSON-lines file.
#include <iostream>

#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/complaint_view.h"
#include "tools/sqmsctl/jsonl.h"

namespace sqms::tools {

namespace {

using contact::v1::ContactEventAck;
using events::v1::ContactEvent;

int StreamContactFile(const GlobalOptions& global, const std::string& path) {
  absl::StatusOr<std::vector<ContactEvent>> events = ReadJsonLines<ContactEvent>(path);
  if (!events.ok()) return ReportUsageError(events.status());
  grpc::ClientContext context;
  PrepareContext(global.client, global.timeout_given, context);
  auto stream = NewContactStub(global)->StreamContactEvents(&context);
  bool json = global.format() == OutputFormat::kJson;
  size_t rejected = 0;
  size_t acked = 0;
  grpc::Status status = RunBidiStream<ContactEvent, ContactEventAck>(
      *stream, *events, [&](const ContactEventAck& ack) {
        ++acked;
        rejected += ack.status().code() == 0 ? 0 : 1;
        std::cout << (json ? ToJson(ack) : ContactAckLine(ack)) << std::endl;
      });
  if (!json) {
    std::cout << acked << " acknowledged, " << acked - rejected << " accepted, " << rejected
              << " rejected of " << events->size() << std::endl;
  }
  if (!status.ok()) return ReportRpcError(status);
  return rejected == 0 && acked == events->size() ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterContactCommands(CLI::App& app, Cli& cli) {
  CLI::App* contact = app.add_subcommand("contact", "call-center contact events");
  contact->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  CLI::App* stream = contact->add_subcommand(
      "stream", "stream a JSON-lines file of ContactEvent (proto JSON); exit 1 if any rejected");
  stream->add_option("file", *path, "FILE.jsonl")->required()->check(CLI::ExistingFile);
  stream->callback(
      [&cli, path] { cli.run = [&cli, path] { return StreamContactFile(cli.global, *path); }; });
}

}  // namespace sqms::tools
