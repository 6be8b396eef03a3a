#include "services/alerts/adapters/alertmanager_receiver.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "services/alerts/codec/alertmanager_json.h"
#include "sqms/runtime/log.h"

namespace sqms::alerts::adapters {
namespace {

using json = nlohmann::json;

runtime::HttpServerResponse JsonResponse(int status, const json& body) {
  runtime::HttpServerResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

runtime::HttpServerResponse Error(int status, const absl::Status& error) {
  return JsonResponse(status, {{"status", "error"}, {"error", std::string(error.message())}});
}

}  // namespace

runtime::HttpServerResponse HandleAlertmanagerWebhook(const runtime::HttpServerRequest& request,
                                                      const AlertSink& sink,
                                                      const RefusedAlertCounter& refused_count) {
  absl::StatusOr<codec::AlertmanagerNotification> notification =
      codec::ParseAlertmanagerWebhook(request.body);
  if (!notification.ok()) {
    runtime::log::Warn(
        "alertmanager webhook refused",
        {{"remote", request.remote_addr}, {"error", std::string(notification.status().message())}});
    return Error(400, notification.status());
  }
  json refused = json::array();
  for (const codec::InvalidAlert& invalid : notification->invalid) {
    // Not retried: the same alert would be unreadable again.
    runtime::log::Warn("alertmanager alert refused: not a valid alert",
                       {{"remote", request.remote_addr},
                        {"alert", invalid.path},
                        {"error", std::string(invalid.error.message())}});
    refused.push_back({{"alert", invalid.path}, {"error", std::string(invalid.error.message())}});
    refused_count(kRefusedInvalid);
  }
  std::vector<std::string> incidents;
  for (const domain::Alert& alert : notification->alerts) {
    absl::StatusOr<app::ProcessResult> result = sink(alert);
    if (result.status().code() == absl::StatusCode::kPermissionDenied) {
      // Not the store failing: a retry would be refused again.
      runtime::log::Warn("alertmanager alert refused",
                         {{"event", "security"},
                          {"remote", request.remote_addr},
                          {"alert_id", alert.id},
                          {"error", std::string(result.status().message())}});
      refused.push_back({{"alert", alert.id}, {"error", std::string(result.status().message())}});
      refused_count(kRefusedForbidden);
      continue;
    }
    if (!result.ok()) {
      runtime::log::Warn("alertmanager alert not processed; answering 503 for a retry",
                         {{"alert_id", alert.id},
                          {"error", std::string(result.status().message())}});
      return Error(503, result.status());
    }
    for (const app::Decision& decision : result->decisions) {
      const std::string& id = decision.incident_id;
      if (!id.empty() && std::find(incidents.begin(), incidents.end(), id) == incidents.end()) {
        incidents.push_back(id);
      }
    }
  }
  json body = {{"status", "ok"},
               {"alerts", notification->alerts.size() + notification->invalid.size()},
               {"incidents", incidents}};
  if (!refused.empty()) body["refused"] = std::move(refused);
  return JsonResponse(200, body);
}

void RegisterAlertmanagerReceiver(runtime::HttpServer& server, runtime::HttpAuth auth,
                                  AlertSink sink, RefusedAlertCounter refused_count) {
  server.Handle(
      "POST", kAlertmanagerWebhookPath,
      [sink = std::move(sink),
       refused_count = std::move(refused_count)](const runtime::HttpServerRequest& request) {
        return HandleAlertmanagerWebhook(request, sink, refused_count);
      },
      std::move(auth));
  server.Handle(
      "GET", kHealthPath,
      [](const runtime::HttpServerRequest&) {
        runtime::HttpServerResponse response;
        response.body = "ok";
        return response;
      },
      runtime::HttpAuth{});
}

}  // namespace sqms::alerts::adapters
