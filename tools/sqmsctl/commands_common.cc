// Global flags and the helpers every command file shares.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/complaint_view.h"
#include "tools/sqmsctl/rpc_error.h"

namespace sqms::tools {

void RegisterGlobalFlags(CLI::App& app, GlobalOptions& global) {
  app.add_option("--server", global.client.server, "SQMS gRPC endpoint host:port")
      ->envname("SQMS_SERVER")
      ->capture_default_str();
  app.add_option("--metrics-addr", global.metrics_server,
                 "SQMS metrics service gRPC endpoint host:port (kpi commands)")
      ->envname("SQMS_METRICS_ADDR")
      ->capture_default_str();
  app.add_option("--alerts-addr", global.alerts_server,
                 "SQMS alerts service gRPC endpoint host:port (incident, plan, risk, silence, "
                 "drill commands)")
      ->envname("SQMS_ALERTS_ADDR")
      ->capture_default_str();
  app.add_option("--token", global.client.token, "bearer token")->envname("SQMS_TOKEN");
  app.add_option("-o,--output", global.output, "output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option_function<double>(
         "--timeout",
         [&global](double seconds) {
           global.client.timeout_seconds = seconds;
           global.timeout_given = true;
         },
         "seconds per call (default 10; streams: none unless given)")
      ->check(CLI::NonNegativeNumber);
  AddTlsFlags(app, global.client.tls);
  app.add_flag("--utc", global.utc,
               "show times in UTC (default: $TZ, else Asia/Shanghai, the calendar's zone)");
  app.set_version_flag("--version", std::string("sqmsctl ") + SQMS_VERSION);
}

int ApplyDisplayZone(const GlobalOptions& global) {
  absl::StatusOr<absl::TimeZone> zone = DisplayZoneFor(global.utc, std::getenv("TZ"));
  if (!zone.ok()) return ReportUsageError(zone.status());
  SetDisplayZone(*zone);
  return kExitOk;
}

int LoadCredentials(GlobalOptions& global) {
  if (absl::Status s = LoadChannelCredentials(global.client); !s.ok()) {
    return ReportUsageError(s);
  }
  return kExitOk;
}

std::unique_ptr<complaints::v1::ComplaintService::Stub> NewComplaintStub(
    const GlobalOptions& global) {
  return complaints::v1::ComplaintService::NewStub(MakeChannel(global.client));
}

std::unique_ptr<contact::v1::ContactEventService::Stub> NewContactStub(
    const GlobalOptions& global) {
  return contact::v1::ContactEventService::NewStub(MakeChannel(global.client));
}

std::unique_ptr<metrics::v1::MetricsService::Stub> NewMetricsStub(const GlobalOptions& global) {
  ClientOptions options = global.client;
  options.server = global.metrics_server;
  return metrics::v1::MetricsService::NewStub(MakeChannel(options));
}

std::unique_ptr<alerts::v1::AlertService::Stub> NewAlertsStub(const GlobalOptions& global) {
  ClientOptions options = global.client;
  options.server = global.alerts_server;
  return alerts::v1::AlertService::NewStub(MakeChannel(options));
}

grpc::Status CallWithRetries(const ClientOptions& client, std::string_view retry_with,
                             const std::function<grpc::Status(grpc::ClientContext&)>& call) {
  constexpr int kAttempts = 3;  // first call + 2 retries as the same request
  grpc::Status status;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    grpc::ClientContext context;
    PrepareContext(client, true, context);
    status = call(context);
    const bool unknown = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    if (!unknown) break;
    if (attempt == kAttempts) {
      std::cerr << "the outcome is unknown: to learn it, run the command again with " << retry_with
                << " (the service applies it at most once)\n";
      break;
    }
    std::cerr << "retrying (" << status.error_message() << ") as the same request\n";
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
  }
  return status;
}

grpc::Status WatchWithReconnects(
    const GlobalOptions& global,
    const std::function<grpc::Status(grpc::ClientContext&, bool& connected)>& watch) {
  constexpr int kReconnects = 5;  // failed connects in a row
  bool connected_once = false;
  int in_a_row = 0;
  while (true) {
    grpc::ClientContext context;
    PrepareContext(global.client, global.timeout_given, context);
    bool connected = false;
    const grpc::Status status = watch(context, connected);
    connected_once = connected_once || connected;
    in_a_row = connected ? 0 : in_a_row + 1;
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || !connected_once ||
        in_a_row >= kReconnects) {
      return status;
    }
    std::cerr << "watch ended (" << status.error_message() << "); reconnecting\n";
    // Also after an established stream: the replica going away may still be
    // reachable for a moment.
    std::this_thread::sleep_for(std::chrono::milliseconds(500 * (in_a_row + 1)));
  }
}

int ReportRpcError(const grpc::Status& status) {
  std::cerr << "error: " << FormatGrpcError(status) << std::endl;
  return kExitFailure;
}

int ReportUsageError(const absl::Status& status) {
  std::cerr << "error: " << status.message() << std::endl;
  return kExitUsage;
}

void PrintComplaint(const GlobalOptions& global, const complaints::v1::Complaint& complaint,
                    bool with_audit) {
  if (global.format() == OutputFormat::kJson) {
    std::cout << ToJson(complaint) << std::endl;
  } else {
    std::cout << ComplaintDetail(complaint, with_audit);
  }
}

}  // namespace sqms::tools
