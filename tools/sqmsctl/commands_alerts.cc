// incident | plan | risk | silence | drill: emergency response from the
// alerts service (sqms.alerts.v1.AlertService at --alerts-addr). Flags
// become requests in alerts_args, answers become text in alerts_view; here
// only the calls.
//
// Every command that changes something sends a request id: --request-id,
// or a fresh UUID per invocation, reused by sqmsctl's own retries when the
// outcome is unknown (UNAVAILABLE, DEADLINE_EXCEEDED), so that a retry
// never applies twice.
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "sqms/runtime/ids.h"
#include "tools/sqmsctl/alerts_args.h"
#include "tools/sqmsctl/alerts_view.h"
#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/jsonl.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;
using Stub = av1::AlertService::Stub;

template <typename Request, typename Response>
using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// How a call is made: once (a read), or as a command that is safe to retry
// (CallWithRetries), rerun by hand with `retry_with` (commands.h).
struct Retry {
  bool command = false;
  std::string retry_with;
};
const Retry kRead{.command = false, .retry_with = ""};
// A command carrying `request_id`.
Retry Command(const std::string& request_id) {
  return {.command = true, .retry_with = absl::StrCat("--request-id ", request_id)};
}

// Prints an answer as JSON or through `render`; the exit code.
template <typename Response, typename Render>
int PrintAnswer(const GlobalOptions& global, const Response& response, Render render) {
  if (global.format() == OutputFormat::kJson) {
    std::cout << ToJson(response) << std::endl;
  } else {
    std::cout << render(response);
  }
  return kExitOk;
}

// Calls rpc once (a read) or with CallWithRetries (a command) and prints
// the answer as JSON or through `render`. Returns the exit code.
template <typename Request, typename Response, typename Render>
int CallAndPrint(const GlobalOptions& global, Rpc<Request, Response> rpc, const Request& request,
                 const Retry& retry, Render render) {
  std::unique_ptr<Stub> stub = NewAlertsStub(global);
  Response response;
  auto call = [&](grpc::ClientContext& context) {
    return ((*stub).*rpc)(&context, request, &response);
  };
  grpc::Status status;
  if (retry.command) {
    status = CallWithRetries(global.client, retry.retry_with, call);
  } else {
    grpc::ClientContext context;
    PrepareContext(global.client, true, context);
    status = call(context);
  }
  if (!status.ok()) return ReportRpcError(status);
  return PrintAnswer(global, response, render);
}

// A paged list (AIP-158): one page, or with `all` every page from the
// request's page_token to the end, printed as one answer (the pages' items
// in order, as protobuf's MergeFrom appends them; the last page's
// next_page_token, so empty after `all`).
// A page that fails ends the command with its error, nothing printed.
template <typename Request, typename Response, typename Render>
int ListAndPrint(const GlobalOptions& global, Rpc<Request, Response> rpc, Request request, bool all,
                 Render render) {
  std::unique_ptr<Stub> stub = NewAlertsStub(global);
  Response response;
  do {
    grpc::ClientContext context;
    PrepareContext(global.client, true, context);
    Response page;
    grpc::Status status = ((*stub).*rpc)(&context, request, &page);
    if (!status.ok()) return ReportRpcError(status);
    response.MergeFrom(page);
    response.set_next_page_token(page.next_page_token());
    request.set_page_token(page.next_page_token());
  } while (all && !request.page_token().empty());
  return PrintAnswer(global, response, render);
}

std::string ChangedIncident(const av1::Incident& incident) {
  return IncidentDetail(incident, false);
}

// --request-id on a command; RequestId() is the flag or one UUID for this
// invocation.
struct RequestIdFlag {
  std::string value;

  void Register(CLI::App& cmd) {
    cmd.add_option("--request-id", value,
                   "retry key (AIP-155); default: a new UUID, reused by this invocation's own "
                   "retries. Pass the same one to retry a command whose outcome is unknown");
  }
  const std::string& RequestId() {
    if (value.empty()) value = runtime::NewEventId();
    return value;
  }
};

// --limit on a list: a string, checked in alerts_args so that a bad value
// is named as every other flag is (CLI11's own range message is not).
struct LimitFlag {
  std::string value;

  void Register(CLI::App& cmd) {
    cmd.add_option("--limit", value, "how many (1..1000, default 100)");
  }
  // Sets the limit of `request` when the flag was given; the usage error,
  // reported, when it is bad.
  template <typename Request>
  std::optional<int> Apply(Request& request) const {
    if (value.empty()) return std::nullopt;
    absl::StatusOr<int> n = ParseIncidentLimit(value);
    if (!n.ok()) return ReportUsageError(n.status());
    request.set_limit(*n);
    return std::nullopt;
  }
};

// Adds "--label k=v" (repeatable, one pair per occurrence) to cmd.
void AddLabelOption(CLI::App& cmd, const std::string& name, std::vector<std::string>& values,
                    const std::string& help) {
  cmd.add_option(name, values, help)->allow_extra_args(false);
}

// ---- incident -------------------------------------------------------------

void RegisterIncidentList(CLI::App& incident, Cli& cli) {
  auto request = std::make_shared<av1::ListIncidentsRequest>();
  request->set_limit(100);
  CLI::App* cmd = incident.add_subcommand("list", "incidents, newest first");
  cmd->add_flag_callback("--active", [request] { request->set_active_only(true); },
                         "only triggered, acknowledged or mitigating ones");
  cmd->add_option_function<std::string>(
      "--plan", [request](const std::string& v) { request->set_plan_id(v); }, "only this plan's");
  cmd->add_option_function<std::string>(
      "--page-token", [request](const std::string& v) { request->set_page_token(v); },
      "the page after an earlier answer (its footer names the token; same --active and --plan)");
  auto limit = std::make_shared<LimitFlag>();
  limit->Register(*cmd);
  auto all = std::make_shared<bool>(false);
  cmd->add_flag("--all", *all, "follow page tokens to the end (--limit: the page size)");
  cmd->callback([&cli, request, limit, all] {
    cli.run = [&cli, request, limit, all] {
      if (std::optional<int> refused = limit->Apply(*request)) return *refused;
      return ListAndPrint(
          cli.global, &Stub::ListIncidents, *request, *all,
          [](const av1::ListIncidentsResponse& response) { return IncidentsText(response); });
    };
  });
}

void RegisterIncidentGet(CLI::App& incident, Cli& cli) {
  auto request = std::make_shared<av1::GetIncidentRequest>();
  CLI::App* cmd = incident.add_subcommand(
      "get", "one incident: steps, timeline, deliveries with their attempts");
  cmd->add_option_function<std::string>(
         "id", [request](const std::string& v) { request->set_id(v); }, "incident id")
      ->required();
  cmd->callback([&cli, request] {
    cli.run = [&cli, request] {
      return CallAndPrint(cli.global, &Stub::GetIncident, *request, kRead,
                          [](const av1::Incident& i) { return IncidentDetail(i, true); });
    };
  });
}

// Prints every change of an incident as it happens (JSON lines with -o
// json) until interrupted or --count changes were printed; reconnects
// when its replica shuts down (WatchWithReconnects).
void RegisterIncidentWatch(CLI::App& incident, Cli& cli) {
  auto request = std::make_shared<av1::WatchIncidentsRequest>();
  auto count = std::make_shared<int>(0);
  CLI::App* cmd = incident.add_subcommand(
      "watch", "every incident change as it happens (opened, escalated, acknowledged, ...)");
  cmd->add_flag_callback(
      "--active", [request] { request->set_active_only(true); },
      "only triggered, acknowledged or mitigating ones");
  cmd->add_option("--count", *count, "stop after this many changes (default: until interrupted)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&cli, request, count] {
    cli.run = [&cli, request, count] {
      std::unique_ptr<Stub> stub = NewAlertsStub(cli.global);
      const bool json = cli.global.format() == OutputFormat::kJson;
      if (!json) std::cout << IncidentWatchHeader() << std::endl;
      int seen = 0;
      const grpc::Status status =
          WatchWithReconnects(cli.global, [&](grpc::ClientContext& context, bool& connected) {
            auto reader = stub->WatchIncidents(&context, *request);
            connected = OpenedWatch(*reader, context);
            av1::Incident incident;
            while (reader->Read(&incident)) {
              std::cout << (json ? ToJson(incident) : IncidentWatchLine(incident, absl::Now()))
                        << std::endl;
              if (*count > 0 && ++seen >= *count) {
                context.TryCancel();
                break;
              }
            }
            return reader->Finish();
          });
      const bool done = *count > 0 && seen >= *count;
      return status.ok() || done ? kExitOk : ReportRpcError(status);
    };
  });
}

struct TransitionCommand {
  const char* name;
  const char* help;
  Rpc<av1::IncidentCommand, av1::Incident> rpc;
};

const TransitionCommand kTransitions[] = {
    {"ack", "acknowledge: stops the escalation", &Stub::AcknowledgeIncident},
    {"mitigate", "record that mitigation is under way", &Stub::MitigateIncident},
    {"resolve", "resolve the incident", &Stub::ResolveIncident},
};

// A subcommand taking ID and --request-id that sends `request` (its other
// fields set by the options the caller adds) through rpc and prints the
// incident after the change.
// `prepare` (if given) runs first and may refuse the flags: its error is
// printed as a usage error and nothing is sent.
template <typename Request>
CLI::App* AddIncidentCommand(CLI::App& incident, Cli& cli, const char* name, const char* help,
                             Rpc<Request, av1::Incident> rpc, std::shared_ptr<Request> request,
                             std::function<absl::Status()> prepare = nullptr) {
  auto request_id = std::make_shared<RequestIdFlag>();
  CLI::App* cmd = incident.add_subcommand(name, help);
  cmd->add_option_function<std::string>(
         "id", [request](const std::string& v) { request->set_id(v); }, "incident id")
      ->required();
  request_id->Register(*cmd);
  cmd->callback([&cli, request_id, rpc, request, prepare] {
    cli.run = [&cli, request_id, rpc, request, prepare] {
      if (prepare) {
        if (absl::Status s = prepare(); !s.ok()) return ReportUsageError(s);
      }
      request->set_request_id(request_id->RequestId());
      return CallAndPrint(cli.global, rpc, *request, Command(request->request_id()),
                          ChangedIncident);
    };
  });
  return cmd;
}

void RegisterTransition(CLI::App& incident, Cli& cli, const TransitionCommand& spec) {
  auto request = std::make_shared<av1::IncidentCommand>();
  AddIncidentCommand(incident, cli, spec.name, spec.help, spec.rpc, request)
      ->add_option_function<std::string>(
          "--comment", [request](const std::string& v) { request->set_comment(v); },
          "recorded in the timeline");
}

void RegisterClose(CLI::App& incident, Cli& cli) {
  auto request = std::make_shared<av1::CloseIncidentRequest>();
  AddIncidentCommand(incident, cli, "close", "close a resolved incident with its review",
                     &Stub::CloseIncident, request)
      ->add_option_function<std::string>(
          "--review", [request](const std::string& v) { request->set_review(v); },
          "what happened, the cause, what changes")
      ->required();
}

void RegisterStep(CLI::App& incident, Cli& cli) {
  auto request = std::make_shared<av1::CompleteStepRequest>();
  // A string, checked in alerts_args: a bad N is named as every flag is.
  auto step = std::make_shared<std::string>();
  auto prepare = [request, step]() -> absl::Status {
    absl::StatusOr<int> n = ParseStepNumber(*step);
    if (!n.ok()) return n.status();
    request->set_step(*n);
    return absl::OkStatus();
  };
  AddIncidentCommand(incident, cli, "step", "mark a step of the plan done", &Stub::CompleteStep,
                     request, prepare)
      ->add_option("step", *step, "the step's number N (# in incident get, from 0)")
      ->required();
}

void RegisterNote(CLI::App& incident, Cli& cli) {
  auto request = std::make_shared<av1::AddNoteRequest>();
  AddIncidentCommand(incident, cli, "note", "add a note to the timeline", &Stub::AddNote, request)
      ->add_option_function<std::string>(
          "text", [request](const std::string& v) { request->set_text(v); }, "the note")
      ->required();
}

void RegisterRaise(CLI::App& incident, Cli& cli) {
  auto flags = std::make_shared<RaiseFlags>();
  auto request_id = std::make_shared<RequestIdFlag>();
  CLI::App* cmd = incident.add_subcommand(
      "raise", "raise an alert by hand; prints its fingerprint and what each plan decided");
  AddLabelOption(*cmd, "--label", flags->labels, "NAME=VALUE, repeatable; at least one");
  AddLabelOption(*cmd, "--annotation", flags->annotations, "NAME=VALUE, repeatable");
  cmd->add_flag("--resolved", flags->resolved, "the alert is resolved (not firing)");
  cmd->add_flag("--drill", flags->drill, "mark the alert and its incidents as a drill");
  request_id->Register(*cmd);
  cmd->callback([&cli, flags, request_id] {
    cli.run = [&cli, flags, request_id] {
      absl::StatusOr<av1::RaiseAlertRequest> request = BuildRaiseAlertRequest(*flags);
      if (!request.ok()) return ReportUsageError(request.status());
      request->set_request_id(request_id->RequestId());
      return CallAndPrint(cli.global, &Stub::RaiseAlert, *request, Command(request->request_id()),
                          RaiseAlertText);
    };
  });
}

void RegisterIncident(CLI::App& app, Cli& cli) {
  CLI::App* incident = app.add_subcommand(
      "incident", "emergency incidents: list, inspect, watch, acknowledge, close");
  incident->require_subcommand(1);
  RegisterIncidentList(*incident, cli);
  RegisterIncidentGet(*incident, cli);
  RegisterIncidentWatch(*incident, cli);
  for (const TransitionCommand& spec : kTransitions) RegisterTransition(*incident, cli, spec);
  RegisterClose(*incident, cli);
  RegisterStep(*incident, cli);
  RegisterNote(*incident, cli);
  RegisterRaise(*incident, cli);
}

// ---- plan, risk -------------------------------------------------------------

void RegisterPlanAndRisk(CLI::App& app, Cli& cli) {
  CLI::App* plan = app.add_subcommand("plan", "emergency plans (应急预案)");
  plan->require_subcommand(1);
  plan->add_subcommand("list", "every plan")->callback([&cli] {
    cli.run = [&cli] {
      return CallAndPrint(cli.global, &Stub::ListPlans, av1::ListPlansRequest(), kRead,
                          [](const av1::ListPlansResponse& r) { return PlansTable(r).Render(); });
    };
  });
  auto get = std::make_shared<av1::GetPlanRequest>();
  CLI::App* get_cmd =
      plan->add_subcommand("get", "one plan: triggers, steps, escalation tiers");
  get_cmd->add_option_function<std::string>(
         "id", [get](const std::string& v) { get->set_id(v); }, "plan id")
      ->required();
  get_cmd->callback([&cli, get] {
    cli.run = [&cli, get] {
      return CallAndPrint(cli.global, &Stub::GetPlan, *get, kRead, PlanDetail);
    };
  });

  // plan apply: UpsertPlan from a file (admin). Sent once: the write is a
  // compare-and-set on the version; a rerun after a lost answer is
  // answered as the write was while the plan is still what it wrote
  // (PlanChanges::Upsert), else refused as stale — `plan get` tells.
  struct ApplyFlags {
    std::string file;
    std::optional<int64_t> expected_version;
  };
  auto apply = std::make_shared<ApplyFlags>();
  CLI::App* apply_cmd = plan->add_subcommand(
      "apply", "create or replace a plan from its JSON, as `plan get ID -o json` prints it");
  apply_cmd->add_option("file", apply->file, "the plan's JSON file; - for stdin")->required();
  apply_cmd->add_option("--expected-version", apply->expected_version,
                        "the version it replaces (default: the file's version; 0 creates)");
  apply_cmd->callback([&cli, apply] {
    cli.run = [&cli, apply]() -> int {
      absl::StatusOr<std::string> text =
          apply->file == "-" ? std::string(std::istreambuf_iterator<char>(std::cin), {})
                             : ReadFile(apply->file);
      if (!text.ok()) return ReportUsageError(text.status());
      auto request = BuildUpsertPlanRequest(apply->file, *text, apply->expected_version);
      if (!request.ok()) return ReportUsageError(request.status());
      return CallAndPrint(cli.global, &Stub::UpsertPlan, *request, kRead, PlanDetail);
    };
  });

  CLI::App* risk = app.add_subcommand("risk", "the risk register (风险)");
  risk->require_subcommand(1);
  risk->add_subcommand("list", "every risk, highest score first")->callback([&cli] {
    cli.run = [&cli] {
      return CallAndPrint(cli.global, &Stub::ListRisks, av1::ListRisksRequest(), kRead,
                          [](const av1::ListRisksResponse& r) { return RisksTable(r).Render(); });
    };
  });
}

// ---- silence ------------------------------------------------------------------

std::string SilenceText(const av1::Silence& silence) {
  av1::ListSilencesResponse one;
  *one.add_silences() = silence;
  return SilencesTable(one).Render();
}

void RegisterSilenceCreate(CLI::App& silence, Cli& cli) {
  auto flags = std::make_shared<SilenceCreateFlags>();
  auto request_id = std::make_shared<RequestIdFlag>();
  CLI::App* cmd = silence.add_subcommand(
      "create", "mute matching alerts for a while, or in a recurring maintenance window");
  cmd->add_option("--matcher", flags->matchers,
                  "NAME OP VALUE, OP one of = != =~ !~ (RE2, anchored); repeatable, all must "
                  "match")
      ->allow_extra_args(false);
  cmd->add_option("--ends", flags->ends, "lasts this long from now: 2h, 90m, 1h30m");
  cmd->add_option("--until", flags->until, "lasts until this RFC 3339 time");
  cmd->add_option("--weekly", flags->weekly,
                  "window days: mon,sun or mon-fri (default with --start: every day)");
  cmd->add_option("--start", flags->start, "window start HH:MM, in the service's time zone");
  cmd->add_option("--minutes", flags->minutes, "window length in minutes (1..10080)");
  cmd->add_option("--comment", flags->comment, "why")->required();
  request_id->Register(*cmd);
  cmd->callback([&cli, flags, request_id] {
    cli.run = [&cli, flags, request_id] {
      absl::StatusOr<av1::CreateSilenceRequest> request =
          BuildCreateSilenceRequest(*flags, absl::Now());
      if (!request.ok()) return ReportUsageError(request.status());
      request->set_request_id(request_id->RequestId());
      Retry retry = Command(request->request_id());
      if (!flags->ends.empty()) {
        // --ends counts from now: a rerun would ask for another end.
        const google::protobuf::Timestamp& ends = request->silence().ends_at();
        const absl::Time until =
            absl::FromUnixSeconds(ends.seconds()) + absl::Nanoseconds(ends.nanos());
        absl::StrAppend(&retry.retry_with, " --until ",
                        absl::FormatTime(absl::RFC3339_full, until, absl::UTCTimeZone()),
                        " in place of --ends");
      }
      return CallAndPrint(cli.global, &Stub::CreateSilence, *request, retry, SilenceText);
    };
  });
}

// The alerts the service keeps while a silence or an incident mutes them
// (amtool alert query --silenced).
void RegisterSilenceMuted(CLI::App& silence, Cli& cli) {
  auto request = std::make_shared<av1::ListMutedAlertsRequest>();
  CLI::App* cmd = silence.add_subcommand(
      "muted", "muted alerts the service keeps, decided again when their mute ends");
  cmd->add_option_function<std::string>(
      "--silence", [request](const std::string& v) { request->set_silence_id(v); },
      "only those this silence holds");
  cmd->add_option_function<std::string>(
      "--incident", [request](const std::string& v) { request->set_inhibited_by(v); },
      "only those this incident inhibits");
  cmd->add_option_function<std::string>(
      "--plan", [request](const std::string& v) { request->set_plan_id(v); },
      "only those muted for this plan");
  cmd->add_option_function<std::string>(
      "--page-token", [request](const std::string& v) { request->set_page_token(v); },
      "the page after an earlier answer (its footer names the token; same filters)");
  auto limit = std::make_shared<LimitFlag>();
  limit->Register(*cmd);
  auto all = std::make_shared<bool>(false);
  cmd->add_flag("--all", *all, "follow page tokens to the end (--limit: the page size)");
  cmd->callback([&cli, request, limit, all] {
    cli.run = [&cli, request, limit, all] {
      if (std::optional<int> refused = limit->Apply(*request)) return *refused;
      return ListAndPrint(
          cli.global, &Stub::ListMutedAlerts, *request, *all,
          [](const av1::ListMutedAlertsResponse& response) { return MutedAlertsText(response); });
    };
  });
}

void RegisterSilence(CLI::App& app, Cli& cli) {
  CLI::App* silence = app.add_subcommand("silence", "silences and maintenance windows");
  silence->require_subcommand(1);
  auto list = std::make_shared<av1::ListSilencesRequest>();
  CLI::App* list_cmd = silence->add_subcommand("list", "pending and active silences");
  list_cmd->add_flag_callback("--all", [list] { list->set_include_expired(true); },
                              "expired ones too");
  list_cmd->callback([&cli, list] {
    cli.run = [&cli, list] {
      return CallAndPrint(
          cli.global, &Stub::ListSilences, *list, kRead,
          [](const av1::ListSilencesResponse& r) { return SilencesTable(r).Render(); });
    };
  });
  RegisterSilenceCreate(*silence, cli);
  RegisterSilenceMuted(*silence, cli);
  auto expire = std::make_shared<av1::ExpireSilenceRequest>();
  CLI::App* expire_cmd = silence->add_subcommand("expire", "end a silence now");
  expire_cmd->add_option_function<std::string>(
         "id", [expire](const std::string& v) { expire->set_id(v); }, "silence id")
      ->required();
  expire_cmd->callback([&cli, expire] {
    cli.run = [&cli, expire] {
      // Expiring twice ends in the same state: safe to retry without an id.
      return CallAndPrint(cli.global, &Stub::ExpireSilence, *expire,
                          Retry{.command = true, .retry_with = "nothing else"}, SilenceText);
    };
  });
}

// ---- drill --------------------------------------------------------------------

void RegisterDrill(CLI::App& app, Cli& cli) {
  CLI::App* drill = app.add_subcommand("drill", "drills: run a plan for practice, then report");
  drill->require_subcommand(1);
  auto flags = std::make_shared<DrillStartFlags>();
  auto request_id = std::make_shared<RequestIdFlag>();
  CLI::App* start = drill->add_subcommand(
      "start", "open a drill incident of a plan: real pages, marked as a drill everywhere");
  start->add_option("plan", flags->plan, "plan id (sqmsctl plan list)")->required();
  AddLabelOption(*start, "--label", flags->labels, "the drill alert's NAME=VALUE, repeatable");
  request_id->Register(*start);
  start->callback([&cli, flags, request_id] {
    cli.run = [&cli, flags, request_id] {
      absl::StatusOr<av1::StartDrillRequest> request = BuildStartDrillRequest(*flags);
      if (!request.ok()) return ReportUsageError(request.status());
      request->set_request_id(request_id->RequestId());
      return CallAndPrint(cli.global, &Stub::StartDrill, *request, Command(request->request_id()),
                          ChangedIncident);
    };
  });
  auto report = std::make_shared<av1::GetDrillReportRequest>();
  CLI::App* report_cmd = drill->add_subcommand(
      "report", "how a drill went: time to acknowledge, steps on time, against the last drill");
  report_cmd->add_option_function<std::string>(
         "incident", [report](const std::string& v) { report->set_incident_id(v); },
         "the drill's incident id")
      ->required();
  report_cmd->callback([&cli, report] {
    cli.run = [&cli, report] {
      return CallAndPrint(cli.global, &Stub::GetDrillReport, *report, kRead, DrillReportText);
    };
  });
}

}  // namespace

void RegisterAlertsCommands(CLI::App& app, Cli& cli) {
  RegisterIncident(app, cli);
  RegisterPlanAndRisk(app, cli);
  RegisterSilence(app, cli);
  RegisterDrill(app, cli);
}

}  // namespace sqms::tools
