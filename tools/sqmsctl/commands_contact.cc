// contact stream FILE: call-center contact events from a JSON-lines file.
#include <iostream>

#include "absl/time/clock.h"
#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/complaint_view.h"
#include "tools/sqmsctl/jsonl.h"
#include "tools/sqmsctl/replay.h"

namespace sqms::tools {

namespace {

using contact::v1::ContactEventAck;
using events::v1::ContactEvent;

int StreamContactFile(const GlobalOptions& global, const std::string& path, bool shift_to_now) {
  auto file = ReadJsonLines<ContactEvent>(path);
  if (!file.ok()) return ReportUsageError(file.status());
  for (const BadLine& bad : file->bad) {
    std::cerr << "error: " << FormatBadLine(path, bad) << " (not sent)" << std::endl;
  }
  std::vector<ContactEvent>& events = file->messages;
  if (shift_to_now) ShiftToNow(events, absl::Now());
  bool json = global.format() == OutputFormat::kJson;
  size_t rejected = 0;
  size_t acked = 0;
  grpc::Status status = grpc::Status::OK;
  if (!events.empty()) {
    grpc::ClientContext context;
    PrepareContext(global.client, global.timeout_given, context);
    auto stream = NewContactStub(global)->StreamContactEvents(&context);
    status = RunBidiStream<ContactEvent, ContactEventAck>(
        *stream, events, [&](const ContactEventAck& ack) {
          ++acked;
          rejected += ack.status().code() == 0 ? 0 : 1;
          std::cout << (json ? ToJson(ack) : ContactAckLine(ack)) << std::endl;
        });
  }
  if (!json) {
    std::cout << acked << " acknowledged, " << acked - rejected << " accepted, " << rejected
              << " rejected of " << events.size() << " sent; " << file->bad.size()
              << " unreadable line(s)" << std::endl;
  }
  if (!status.ok()) return ReportRpcError(status);
  return rejected == 0 && acked == events.size() && file->bad.empty() ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterContactCommands(CLI::App& app, Cli& cli) {
  CLI::App* contact = app.add_subcommand("contact", "call-center contact events");
  contact->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto shift = std::make_shared<bool>(false);
  CLI::App* stream = contact->add_subcommand(
      "stream", "stream a JSON-lines file of ContactEvent (proto JSON); bad lines are reported and skipped; exit 1 if any line was bad or rejected");
  stream->add_option("file", *path, "FILE.jsonl")->required()->check(CLI::ExistingFile);
  stream->add_flag("--shift-to-now", *shift,
                   "move all occurredAt times by one offset so the latest is now (replays a "
                   "recorded file, e.g. the shipped example)");
  stream->callback([&cli, path, shift] {
    cli.run = [&cli, path, shift] { return StreamContactFile(cli.global, *path, *shift); };
  });
}

}  // namespace sqms::tools
