// sqmsctl's command registration. Each Register* adds subcommands to the app;
// when the user picks one, its callback stores the action in Cli::run, which
// main calls after parsing. Actions return the process exit code: 0 success,
// 1 an RPC or I/O failure, 2 bad usage.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "sqms/alerts/v1/service.grpc.pb.h"
#include "sqms/complaints/v1/service.grpc.pb.h"
#include "sqms/contact/v1/service.grpc.pb.h"
#include "sqms/metrics/v1/service.grpc.pb.h"
#include "sqms/runtime/watch_established.h"
#include "tools/sqmsctl/client.h"
#include "tools/sqmsctl/output.h"

namespace sqms::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  ClientOptions client;
  // The metrics service (kpi commands); token and timeout from `client`.
  std::string metrics_server = "127.0.0.1:50061";
  // The alerts service (incident, plan, risk, silence, drill commands).
  std::string alerts_server = "127.0.0.1:50071";
  std::string output = "table";  // table | json
  bool timeout_given = false;    // streams get a deadline only when asked for
  bool utc = false;              // --utc: times in UTC, not the operator's zone

  OutputFormat format() const {
    return output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  }
};

struct Cli {
  GlobalOptions global;
  std::function<int()> run;
};

// --server, --metrics-addr, --alerts-addr, --token, -o, --timeout, the TLS
// flags (client.h AddTlsFlags), --utc, --version with their environment
// variables.
void RegisterGlobalFlags(CLI::App& app, GlobalOptions& global);

// submit, get, list, watch.
void RegisterComplaintCommands(CLI::App& app, Cli& cli);

// assign, start, wait, resume, resolve, reply, follow-up, close, reopen,
// escalate, note, reclassify.
void RegisterLifecycleCommands(CLI::App& app, Cli& cli);

// triage explain TEXT (creates nothing).
void RegisterTriageCommands(CLI::App& app, Cli& cli);

// contact stream FILE.
void RegisterContactCommands(CLI::App& app, Cli& cli);

// kpi defs | get | query | rank | explain (sqms.metrics.v1.MetricsService).
void RegisterKpiCommands(CLI::App& app, Cli& cli);

// incident, plan, risk, silence, drill (sqms.alerts.v1.AlertService).
void RegisterAlertsCommands(CLI::App& app, Cli& cli);

// After parsing: the zone times are shown in (output.h DisplayZoneFor);
// kExitUsage with the message on stderr when $TZ names no zone.
int ApplyDisplayZone(const GlobalOptions& global);

// After parsing: the TLS credentials of every service's channel (client.h
// LoadChannelCredentials); kExitUsage with the message on stderr when a
// TLS file cannot be read.
int LoadCredentials(GlobalOptions& global);

// Shared by the command files.
std::unique_ptr<complaints::v1::ComplaintService::Stub> NewComplaintStub(
    const GlobalOptions& global);
std::unique_ptr<contact::v1::ContactEventService::Stub> NewContactStub(const GlobalOptions& global);
// At global.metrics_server, with the same token and timeout.
std::unique_ptr<metrics::v1::MetricsService::Stub> NewMetricsStub(const GlobalOptions& global);

// At global.alerts_server, with the same token and timeout.
std::unique_ptr<alerts::v1::AlertService::Stub> NewAlertsStub(const GlobalOptions& global);

// Runs `call` with a fresh context (token, deadline) per attempt, retrying
// up to twice when the outcome is unknown (UNAVAILABLE, DEADLINE_EXCEEDED),
// with a note on stderr. Only for requests carrying a request id (AIP-155)
// or an idempotency key (submit): the retry must be the same request, so
// the service answers it with the first outcome instead of applying it
// twice. Returns the last status.
// When it is still unknown, says on stderr how to learn it: run the command
// again with `retry_with`, the flags that make the rerun the same request
// (its request id or key, and e.g. an absolute time in place of a relative
// one).
grpc::Status CallWithRetries(const ClientOptions& client, std::string_view retry_with,
                             const std::function<grpc::Status(grpc::ClientContext&)>& call);

// Runs a watch until it ends for good. `watch` opens the stream with the
// context it is given (token; a deadline only when --timeout was given,
// per stream), reads it and returns its status, setting `connected` when
// the stream was established (OpenedWatch). A stream that was established
// and then ended UNAVAILABLE — its server shutting down in a rolling
// deploy; another replica answers — is opened again after a pause, with a
// note on stderr, as is each attempt after it that fails to connect, up to
// 5 in a row with a growing pause. Returns the last status.
grpc::Status WatchWithReconnects(
    const GlobalOptions& global,
    const std::function<grpc::Status(grpc::ClientContext&, bool& connected)>& watch);

// Waits for the stream's initial metadata; whether the server established
// the watch (runtime::WatchEstablished). Call right after opening it.
template <typename Reader>
bool OpenedWatch(Reader& reader, const grpc::ClientContext& context) {
  reader.WaitForInitialMetadata();
  return runtime::WatchEstablished(context);
}

// Prints the failure to stderr; returns kExitFailure.
int ReportRpcError(const grpc::Status& status);

// Prints a bad input (file, flag) to stderr; returns kExitUsage.
int ReportUsageError(const absl::Status& status);

// Prints a complaint as JSON or as its detail view.
void PrintComplaint(const GlobalOptions& global, const complaints::v1::Complaint& complaint,
                    bool with_audit);

}  // namespace sqms::tools
