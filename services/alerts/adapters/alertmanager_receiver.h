#pragma once
// Alertmanager → alert intake over HTTP: the webhook_config receiver
// (Alertmanager POSTs each notification of a group to it) and a health
// route, on an HttpServer the composition root owns.
//
//   POST /api/v1/alertmanager   bearer/basic auth as given
//     200 {"status":"ok","alerts":N,"incidents":["<id>",…]
//          [,"refused":[{"alert":"<id or path>","error":"…"},…]]}
//         every alert of the body was processed or refused; incidents: the
//         distinct incidents they opened, joined or resolved, in order.
//         Refused, listed, logged, counted and not retried (a retry would
//         be refused again), while the others are processed:
//           - an alert that is not a valid alert ("alert":"alerts[2]", the
//             error naming its JSON path, codec/alertmanager_json.h);
//             refusing the whole body instead would drop every page of the
//             group until its next notification, as Alertmanager does not
//             retry a 4xx;
//           - an alert the sink refuses with PERMISSION_DENIED (e.g. a drill
//             alert: the webhook authenticates monitoring, which may not
//             start drills).
//     400 {"status":"error","error":"<path>: <problem>"}
//         the body is not a version-4 webhook payload (not retried:
//         Alertmanager retries only 5xx)
//     503 {"status":"error","error":"…"}
//         the processor failed (store unreachable). Alertmanager retries the
//         whole notification; the alerts already processed are then
//         recognised by their ids (codec/alertmanager_json.h) and change
//         nothing, so a retry is safe.
//   GET /healthz                public: 200 "ok"
//
// Thread-safety: handlers run on the server's worker threads, several at
// once; `sink` must be thread-safe (AlertProcessor::Process is).

#include <functional>
#include <string>

#include "services/alerts/adapters/event_consumer.h"
#include "sqms/runtime/http/http_auth.h"
#include "sqms/runtime/http/http_server.h"

namespace sqms::alerts::adapters {

inline constexpr char kAlertmanagerWebhookPath[] = "/api/v1/alertmanager";
inline constexpr char kHealthPath[] = "/healthz";

// Reasons an alert of a notification is refused (RefusedAlertCounter).
inline constexpr char kRefusedInvalid[] = "invalid";      // not a valid alert
inline constexpr char kRefusedForbidden[] = "forbidden";  // the sink's PERMISSION_DENIED

// Called once per refused alert with its reason (AlertMetrics::WebhookRefused).
using RefusedAlertCounter = std::function<void(const std::string& reason)>;

// The webhook's answer to one request (the POST route's handler, callable
// without a server in tests).
runtime::HttpServerResponse HandleAlertmanagerWebhook(const runtime::HttpServerRequest& request,
                                                      const AlertSink& sink,
                                                      const RefusedAlertCounter& refused_count);

// Registers both routes on `server`; call before server.Start(). The webhook
// accepts the credentials in `auth` (an open HttpAuth makes it public: the
// caller's configuration decides). `sink` is copied into the route and
// called until server.Stop() returned: what it refers to must outlive that;
// so must what `refused_count` refers to.
void RegisterAlertmanagerReceiver(runtime::HttpServer& server, runtime::HttpAuth auth,
                                  AlertSink sink, RefusedAlertCounter refused_count);

}  // namespace sqms::alerts::adapters
