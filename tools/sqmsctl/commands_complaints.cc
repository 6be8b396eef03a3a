// submit, get, list, watch.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstdint>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/ids.h"
#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/complaint_view.h"
#include "tools/sqmsctl/flags.h"
#include "tools/sqmsctl/jsonl.h"
#include "tools/sqmsctl/rpc_error.h"

namespace sqms::tools {

namespace {

namespace cv1 = ::sqms::complaints::v1;

struct SubmitFlags {
  std::string file;
  std::string channel, title, content, name, phone, email, id_number;
  std::string region, station, line, service_number;
  std::string category, urgency, importance, idempotency_key;

  cv1::SubmitComplaintRequest ToProto() const {
    cv1::SubmitComplaintRequest request;
    request.set_idempotency_key(idempotency_key);
    request.set_channel(EnumOrUnspecified<cv1::Channel>(channel));
    request.set_title(title);
    request.set_content(content);
    cv1::Complainant& who = *request.mutable_complainant();
    who.set_name(name);
    who.set_phone(phone);
    who.set_email(email);
    who.set_id_number(id_number);
    cv1::Location& where = *request.mutable_location();
    where.set_region(region);
    where.set_station(station);
    where.set_line(line);
    where.set_service_number(service_number);
    request.set_category(EnumOrUnspecified<cv1::Category>(category));
    request.set_urgency(EnumOrUnspecified<cv1::Level>(urgency));
    request.set_importance(EnumOrUnspecified<cv1::Level>(importance));
    return request;
  }
};

void RegisterSubmitFlags(CLI::App& cmd, SubmitFlags& f) {
  cmd.add_option("--file", f.file, "JSON-lines file of SubmitComplaintRequest; streams them all");
  cmd.add_option("--channel", f.channel, "hotline, email, web, app, chat, counter, social")
      ->check(EnumValidator<cv1::Channel>());
  cmd.add_option("--title", f.title, "short summary");
  cmd.add_option("--content", f.content, "full text");
  cmd.add_option("--name", f.name, "complainant name");
  cmd.add_option("--phone", f.phone, "complainant phone");
  cmd.add_option("--email", f.email, "complainant email");
  cmd.add_option("--id-number", f.id_number, "complainant national ID");
  cmd.add_option("--region", f.region, "region");
  cmd.add_option("--station", f.station, "station");
  cmd.add_option("--line", f.line, "line / route");
  cmd.add_option("--service-number", f.service_number, "train or service number, e.g. G101");
  cmd.add_option("--category", f.category, "category override (e.g. safety, delay)")
      ->check(EnumValidator<cv1::Category>());
  cmd.add_option("--urgency", f.urgency, "low, medium, high")->check(EnumValidator<cv1::Level>());
  cmd.add_option("--importance", f.importance, "low, medium, high")
      ->check(EnumValidator<cv1::Level>());
  cmd.add_option("--idempotency-key", f.idempotency_key,
                 "retry key; default: a new UUID, printed and reused by this invocation's own "
                 "retries. Pass the printed one to rerun a submission whose outcome is unknown");
}

// Without a key, a submission retried after a lost answer (sqmsctl's own
// retry, or the operator's rerun) would create a second complaint: the
// service can only replay what a key names. So every invocation sends one,
// a new UUID unless --idempotency-key chose it, and prints it.
int SubmitOne(const GlobalOptions& global, SubmitFlags flags) {
  if (flags.idempotency_key.empty()) flags.idempotency_key = runtime::NewEventId();
  const cv1::SubmitComplaintRequest request = flags.ToProto();
  cv1::SubmitComplaintResponse response;
  auto stub = NewComplaintStub(global);
  grpc::Status status =
      CallWithRetries(global.client, absl::StrCat("--idempotency-key ", request.idempotency_key()),
                      [&](grpc::ClientContext& context) {
                        response.Clear();
                        return stub->SubmitComplaint(&context, request, &response);
                      });
  if (!status.ok()) return ReportRpcError(status);
  // As sent: the complaint's copy is masked for agents and services (free
  // text; a UUID may hold a run of 7 digits). On stderr with -o json, which
  // keeps stdout the service's answer.
  const std::string key_line = absl::StrCat("idempotency key: ", request.idempotency_key());
  if (global.format() == OutputFormat::kJson) {
    std::cerr << key_line << std::endl;
    std::cout << ToJson(response) << std::endl;
    return kExitOk;
  }
  std::cout << key_line << "\n";
  if (response.replayed()) std::cout << "replayed: idempotency key seen before\n";
  std::cout << ComplaintDetail(response.complaint(), false);
  return kExitOk;
}

// The key of a file line that has none: derived from its request alone, so
// a rerun of the file (after a broken stream or a lost answer; also with
// lines removed, added or moved around it) sends the same key for the same
// line and the service replays what it accepted instead of creating it
// twice; an edited line is a new request, a new key. Two identical lines
// are one submission. FNV-1a (64 bits): stable across runs and builds,
// unlike absl::Hash; the key only has to tell requests apart.
std::string FileLineKey(const cv1::SubmitComplaintRequest& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);  // the key field is empty here
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3ULL;
  return absl::StrCat("sqmsctl-", absl::Hex(hash, absl::kZeroPad16));
}

int SubmitFile(const GlobalOptions& global, const std::string& path) {
  auto file = ReadJsonLines<cv1::SubmitComplaintRequest>(path);
  if (!file.ok()) return ReportUsageError(file.status());
  // A bad line is reported and skipped; the rest is still sent.
  for (const BadLine& bad : file->bad) {
    std::cerr << "error: " << FormatBadLine(path, bad) << " (not sent)" << std::endl;
  }
  std::vector<cv1::SubmitComplaintRequest>& requests = file->messages;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].idempotency_key().empty()) {
      requests[i].set_idempotency_key(FileLineKey(requests[i]));
    }
  }
  Table table = SubmitResultTable();
  size_t failed = 0;
  size_t answered = 0;
  grpc::Status status = grpc::Status::OK;
  if (!requests.empty()) {
    grpc::ClientContext context;
    PrepareContext(global.client, global.timeout_given, context);
    auto stream = NewComplaintStub(global)->StreamComplaints(&context);
    status = RunBidiStream<cv1::SubmitComplaintRequest, cv1::StreamComplaintsResponse>(
        *stream, requests, [&](const cv1::StreamComplaintsResponse& response) {
          ++answered;
          failed += response.has_error() ? 1 : 0;
          const size_t seq = static_cast<size_t>(response.sequence());
          const bool known = seq < requests.size();
          const int line = known ? file->lines[seq] : 0;
          if (response.has_error()) {
            // In full: the table cell is cut to its width, and the fields
            // to fix come last.
            std::cerr << "error: " << path << ":" << line << ": "
                      << FormatRpcStatus(response.error()) << std::endl;
          }
          if (global.format() == OutputFormat::kJson) {
            std::cout << ToJson(response) << std::endl;
          } else {
            AddSubmitResult(response, line, known ? requests[seq].idempotency_key() : std::string(),
                            table);
          }
        });
  }
  if (global.format() == OutputFormat::kTable) {
    std::cout << table.Render() << answered << " answered, " << answered - failed << " accepted, "
              << failed << " rejected of " << requests.size() << " sent; " << file->bad.size()
              << " unreadable line(s)" << std::endl;
  }
  if (!status.ok()) return ReportRpcError(status);
  bool all_good = failed == 0 && answered == requests.size() && file->bad.empty();
  return all_good ? kExitOk : kExitFailure;
}

void RegisterSubmit(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<SubmitFlags>();
  CLI::App* cmd = app.add_subcommand("submit", "submit a complaint, or stream a file of them");
  RegisterSubmitFlags(*cmd, *flags);
  cmd->callback([&cli, flags] {
    cli.run = [&cli, flags] {
      return flags->file.empty() ? SubmitOne(cli.global, *flags)
                                 : SubmitFile(cli.global, flags->file);
    };
  });
}

int Get(const GlobalOptions& global, const std::string& id) {
  grpc::ClientContext context;
  PrepareContext(global.client, true, context);
  cv1::GetComplaintRequest request;
  request.set_id(id);
  cv1::Complaint complaint;
  grpc::Status status = NewComplaintStub(global)->GetComplaint(&context, request, &complaint);
  if (!status.ok()) return ReportRpcError(status);
  PrintComplaint(global, complaint, true);
  return kExitOk;
}

void RegisterGet(CLI::App& app, Cli& cli) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("get", "show a complaint with its audit trail");
  cmd->add_option("id", *id, "complaint id")->required();
  cmd->callback([&cli, id] { cli.run = [&cli, id] { return Get(cli.global, *id); }; });
}

struct ListFlags {
  FilterFlags filter;
  int page_size = 50;
  std::string page_token;
  bool all = false;
  std::string sort = "received";  // received | due
};

// Fetches one page, or every page with --all, into response.
grpc::Status FetchPages(const GlobalOptions& global, const ListFlags& flags,
                        cv1::ListComplaintsResponse& response) {
  auto stub = NewComplaintStub(global);
  cv1::ListComplaintsRequest request;
  *request.mutable_filter() = flags.filter.ToProto();
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  request.set_order_by(flags.sort == "due" ? "next_due" : "");
  do {
    grpc::ClientContext context;
    PrepareContext(global.client, true, context);
    cv1::ListComplaintsResponse page;
    grpc::Status status = stub->ListComplaints(&context, request, &page);
    if (!status.ok()) return status;
    for (auto& complaint : *page.mutable_complaints()) {
      *response.add_complaints() = std::move(complaint);
    }
    response.set_next_page_token(page.next_page_token());
    request.set_page_token(page.next_page_token());
  } while (flags.all && !request.page_token().empty());
  return grpc::Status::OK;
}

int List(const GlobalOptions& global, const ListFlags& flags) {
  cv1::ListComplaintsResponse response;
  grpc::Status status = FetchPages(global, flags, response);
  if (!status.ok()) return ReportRpcError(status);
  if (global.format() == OutputFormat::kJson) {
    std::cout << ToJson(response) << std::endl;
    return kExitOk;
  }
  std::vector<const cv1::Complaint*> rows;
  for (const cv1::Complaint& complaint : response.complaints()) rows.push_back(&complaint);
  std::cout << ComplaintListTable(rows).Render() << rows.size() << " complaint(s)";
  if (!response.next_page_token().empty()) {
    std::cout << "; more: the same command with --page-token " << response.next_page_token()
              << " (a token continues only its own filters and --sort), or --all";
  }
  std::cout << std::endl;
  return kExitOk;
}

void RegisterList(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<ListFlags>();
  CLI::App* cmd = app.add_subcommand("list", "list complaints matching filters");
  flags->filter.Register(*cmd);
  cmd->add_option("--page-size", flags->page_size, "1..500")
      ->check(CLI::Range(1, 500))
      ->capture_default_str();
  cmd->add_option("--page-token", flags->page_token,
                  "continue a previous list: repeat its filters and --sort");
  cmd->add_flag("--all", flags->all, "follow page tokens to the end");
  cmd->add_option("--sort", flags->sort,
                  "received (when received) or due: the queue by its next SLA deadline, "
                  "overdue first (the server's order; only complaints with a deadline pending)")
      ->check(CLI::IsMember({"received", "due"}))
      ->capture_default_str();
  cmd->callback([&cli, flags] { cli.run = [&cli, flags] { return List(cli.global, *flags); }; });
}

struct WatchFlags {
  FilterFlags filter;
  int count = 0;
};

int Watch(const GlobalOptions& global, const WatchFlags& flags) {
  cv1::WatchComplaintsRequest request;
  *request.mutable_filter() = flags.filter.ToProto();
  auto stub = NewComplaintStub(global);
  bool json = global.format() == OutputFormat::kJson;
  if (!json) std::cout << WatchHeader() << std::endl;
  int seen = 0;
  // A live feed: events between two connections are not replayed.
  const grpc::Status status =
      WatchWithReconnects(global, [&](grpc::ClientContext& context, bool& connected) {
        auto reader = stub->WatchComplaints(&context, request);
        connected = OpenedWatch(*reader, context);
        events::v1::ComplaintEvent event;
        while (reader->Read(&event)) {
          std::cout << (json ? ToJson(event) : WatchLine(event)) << std::endl;
          if (flags.count > 0 && ++seen >= flags.count) {
            context.TryCancel();
            break;
          }
        }
        return reader->Finish();
      });
  bool done = flags.count > 0 && seen >= flags.count;
  return status.ok() || done ? kExitOk : ReportRpcError(status);
}

void RegisterWatch(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<WatchFlags>();
  CLI::App* cmd = app.add_subcommand("watch", "print lifecycle events as they happen");
  flags->filter.Register(*cmd);
  cmd->add_option("--count", flags->count, "stop after N events (default: until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&cli, flags] { cli.run = [&cli, flags] { return Watch(cli.global, *flags); }; });
}

}  // namespace

void RegisterComplaintCommands(CLI::App& app, Cli& cli) {
  RegisterSubmit(app, cli);
  RegisterGet(app, cli);
  RegisterList(app, cli);
  RegisterWatch(app, cli);
}

}  // namespace sqms::tools
