// The lifecycle commands: one RPC each, all taking ID, --expected-version,
// --note and --request-id, printing the complaint after the change. A call
// that ends UNAVAILABLE or DEADLINE_EXCEEDED (outcome unknown) is retried
// with the same request id (AIP-155), so a retry never applies twice.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/ids.h"
#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/flags.h"

namespace sqms::tools {

namespace {

namespace cv1 = ::sqms::complaints::v1;
using Stub = cv1::ComplaintService::Stub;

struct CommandFlags {
  std::string id;
  int64_t expected_version = 0;
  std::string note;
  std::string request_id;  // "" = a new UUID per invocation

  cv1::LifecycleRequest ToProto() {
    // Default: a fresh UUID per invocation, reused by sqmsctl's own retries.
    if (request_id.empty()) request_id = runtime::NewEventId();
    cv1::LifecycleRequest command;
    command.set_id(id);
    command.set_expected_version(expected_version);
    command.set_note(note);
    command.set_request_id(request_id);
    return command;
  }
};

// Adds a subcommand with ID, --expected-version and --note.
CLI::App* AddCommand(CLI::App& app, const std::string& name, const std::string& help,
                     CommandFlags& flags) {
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("id", flags.id, "complaint id")->required();
  cmd->add_option("--expected-version", flags.expected_version,
                  "fail with ABORTED unless the complaint is at this version (0: don't check)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--note", flags.note, "recorded in the audit trail");
  cmd->add_option("--request-id", flags.request_id,
                  "retry key (AIP-155); default: a new UUID, reused by this invocation's own "
                  "retries. Pass the same one to retry a command whose outcome is unknown");
  return cmd;
}

// The common part of a lifecycle request: the request itself, or its
// `command` (AssignRequest, ResolveRequest, …).
const cv1::LifecycleRequest& CommandOf(const cv1::LifecycleRequest& request) { return request; }
template <typename Request>
const cv1::LifecycleRequest& CommandOf(const Request& request) {
  return request.command();
}

// Calls one unary lifecycle RPC and prints its result.
template <typename Request>
int Call(const GlobalOptions& global,
         grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, cv1::Complaint*),
         const Request& request) {
  cv1::Complaint complaint;
  auto stub = NewComplaintStub(global);
  const std::string retry_with = absl::StrCat("--request-id ", CommandOf(request).request_id());
  grpc::Status status = CallWithRetries(
      global.client, retry_with,
      [&](grpc::ClientContext& context) { return ((*stub).*rpc)(&context, request, &complaint); });
  if (!status.ok()) return ReportRpcError(status);
  PrintComplaint(global, complaint, false);
  return kExitOk;
}

// Makes cmd, when chosen, send request (with the common flags) through rpc.
// check runs at parse time and may throw a CLI11 error for usage problems.
template <typename Request>
void SetAction(CLI::App& cmd, Cli& cli, std::shared_ptr<CommandFlags> flags,
               std::shared_ptr<Request> request,
               grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, cv1::Complaint*),
               std::function<void()> check = nullptr) {
  cmd.callback([&cli, flags, request, rpc, check] {
    if (check) check();
    cli.run = [&cli, flags, request, rpc] {
      *request->mutable_command() = flags->ToProto();
      return Call(cli.global, rpc, *request);
    };
  });
}

using LifecycleRpc = grpc::Status (Stub::*)(grpc::ClientContext*, const cv1::LifecycleRequest&,
                                            cv1::Complaint*);

struct SimpleCommand {
  const char* name;
  const char* help;
  LifecycleRpc rpc;
};

// Lifecycle commands with nothing but the common flags.
const SimpleCommand kSimpleCommands[] = {
    {"start", "start handling", &Stub::StartHandling},
    {"wait", "wait on the customer (pauses the SLA clock)", &Stub::WaitOnCustomer},
    {"resume", "resume handling (restarts the SLA clock)", &Stub::ResumeHandling},
    {"close",
     "close the complaint (from REPLIED, skipping the follow-up visit, --note must give the "
     "reason: customer unreachable, declined the follow-up)",
     &Stub::CloseComplaint},
    {"reopen", "reopen the complaint", &Stub::ReopenComplaint},
    {"escalate", "escalate one level, up to 2 (admin); an agent escalates to 1 (supervisor) only",
     &Stub::EscalateComplaint},
};

void RegisterSimple(CLI::App& app, Cli& cli, const SimpleCommand& spec) {
  auto flags = std::make_shared<CommandFlags>();
  CLI::App* cmd = AddCommand(app, spec.name, spec.help, *flags);
  LifecycleRpc rpc = spec.rpc;
  cmd->callback([&cli, flags, rpc] {
    cli.run = [&cli, flags, rpc] { return Call(cli.global, rpc, flags->ToProto()); };
  });
}

void RegisterNote(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<CommandFlags>();
  CLI::App* cmd = AddCommand(app, "note", "add a note to the audit trail", *flags);
  cmd->get_option("--note")->required();
  cmd->callback([&cli, flags] {
    cli.run = [&cli, flags] { return Call(cli.global, &Stub::AddNote, flags->ToProto()); };
  });
}

void RegisterAssign(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<CommandFlags>();
  auto request = std::make_shared<cv1::AssignComplaintRequest>();
  CLI::App* cmd = AddCommand(app, "assign", "assign to a department and/or agent", *flags);
  cmd->add_option_function<std::string>(
      "--department", [request](const std::string& v) { request->set_department(v); },
      "department (required unless --assignee is given)");
  cmd->add_option_function<std::string>(
      "--assignee", [request](const std::string& v) { request->set_assignee(v); }, "agent");
  SetAction(*cmd, cli, flags, request, &Stub::AssignComplaint, [request] {
    if (request->department().empty() && request->assignee().empty()) {
      throw CLI::RequiredError("--department or --assignee");
    }
  });
}

void RegisterResolve(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<CommandFlags>();
  auto request = std::make_shared<cv1::ResolveComplaintRequest>();
  CLI::App* cmd =
      AddCommand(app, "resolve", "record findings, root cause and corrective action", *flags);
  cmd->add_option_function<std::string>(
         "--findings", [request](const std::string& v) { request->set_findings(v); },
         "what the investigation found")
      ->required();
  cmd->add_option_function<std::string>(
         "--root-cause", [request](const std::string& v) { request->set_root_cause(v); },
         "why it happened")
      ->required();
  cmd->add_option_function<std::string>(
         "--action", [request](const std::string& v) { request->set_corrective_action(v); },
         "corrective action taken")
      ->required();
  SetAction(*cmd, cli, flags, request, &Stub::ResolveComplaint);
}

void RegisterReply(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<CommandFlags>();
  auto request = std::make_shared<cv1::ReplyRequest>();
  CLI::App* cmd = AddCommand(app, "reply", "reply to the complainant", *flags);
  cmd->add_option_function<std::string>(
         "--message", [request](const std::string& v) { request->set_message(v); }, "the reply")
      ->required();
  SetAction(*cmd, cli, flags, request, &Stub::ReplyToComplainant);
}

void RegisterFollowUp(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<CommandFlags>();
  auto request = std::make_shared<cv1::FollowUpRequest>();
  CLI::App* cmd =
      AddCommand(app, "follow-up", "record the follow-up visit (unsatisfied reopens)", *flags);
  auto* satisfied = cmd->add_flag_callback(
      "--satisfied", [request] { request->set_satisfied(true); }, "the complainant is satisfied");
  auto* unsatisfied = cmd->add_flag_callback(
      "--unsatisfied", [request] { request->set_satisfied(false); }, "not satisfied: reopens");
  satisfied->excludes(unsatisfied);
  cmd->add_option_function<int>(
         "--score", [request](int v) { request->set_score(v); }, "1..5")
      ->required()
      ->check(CLI::Range(1, 5));
  cmd->add_option_function<std::string>(
      "--comment", [request](const std::string& v) { request->set_comment(v); }, "comment");
  SetAction(*cmd, cli, flags, request, &Stub::RecordFollowUp, [satisfied, unsatisfied] {
    if (satisfied->count() + unsatisfied->count() == 0) {
      throw CLI::RequiredError("--satisfied or --unsatisfied");
    }
  });
}

void RegisterReclassify(CLI::App& app, Cli& cli) {
  auto flags = std::make_shared<CommandFlags>();
  auto request = std::make_shared<cv1::ReclassifyComplaintRequest>();
  auto category = std::make_shared<std::string>();
  auto priority = std::make_shared<std::string>();
  CLI::App* cmd = AddCommand(
      app, "reclassify", "override triage's category and/or priority (audited from -> to)", *flags);
  cmd->add_option("--category", *category, "new category (e.g. safety, billing)")
      ->check(EnumValidator<cv1::Category>());
  cmd->add_option("--priority", *priority,
                  "new priority p1..p4 (default: the new category's assessed priority)")
      ->check(EnumValidator<cv1::Priority>());
  SetAction(*cmd, cli, flags, request, &Stub::ReclassifyComplaint, [request, category, priority] {
    if (category->empty() && priority->empty()) {
      throw CLI::RequiredError("--category or --priority");
    }
    request->set_category(EnumOrUnspecified<cv1::Category>(*category));
    request->set_priority(EnumOrUnspecified<cv1::Priority>(*priority));
  });
}

}  // namespace

void RegisterLifecycleCommands(CLI::App& app, Cli& cli) {
  RegisterAssign(app, cli);
  for (const SimpleCommand& spec : kSimpleCommands) RegisterSimple(app, cli, spec);
  RegisterResolve(app, cli);
  RegisterReply(app, cli);
  RegisterFollowUp(app, cli);
  RegisterNote(app, cli);
  RegisterReclassify(app, cli);
}

}  // namespace sqms::tools
