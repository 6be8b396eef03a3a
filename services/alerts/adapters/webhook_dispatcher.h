#pragma once
// Sends deliveries (timer "dlv|<id>", durable_timers.h) as HTTP webhooks.
//
// OnTimer runs on the timers' thread and never waits for HTTP: it claims
// the delivery (ports::AlertStore::ClaimDelivery — a page of an incident no
// longer triggered is cancelled in that same atomic step), moves the
// delivery's timer to now + timeout + a margin as the safety net should this
// process die mid-send, and hands the request to the HttpClient. The
// response is recorded on the dispatcher's own thread: delivered (a 2xx
// the target's kind accepts — a robot's body must carry its success code,
// notify/reply.h), retried with exponential backoff and jitter, or failed
// after the target's max_attempts. A slow or failing target holds nothing but its own
// deliveries. A target over its rate waits (the timer moves), never drops.
//
// At least once: a crash between the send and the record sends again after
// the safety net; receivers may dedupe on X-SQMS-Delivery.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/alerts/adapters/alert_stats.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/ports/alert_store.h"
#include "sqms/runtime/clock.h"
#include "sqms/runtime/http/http_client.h"
#include "sqms/runtime/worker_pool.h"

namespace sqms::alerts::adapters {

class WebhookDispatcher {
 public:
  // `reschedule(timer_id, due)` moves a timer (DurableTimers::Schedule) and
  // says whether it did. All borrowed; they must outlive this object.
  using Reschedule = std::function<absl::Status(const std::string& timer_id, absl::Time due)>;
  WebhookDispatcher(ports::AlertStore& store, const app::Catalog& catalog,
                    runtime::HttpClient& http, const runtime::Clock& clock, AlertMetrics& metrics,
                    Reschedule reschedule);
  // Waits for the requests it sent to answer (each within its target's
  // timeout; `http` must still be alive) and their results to be recorded:
  // a callback of a request in flight must not find this object gone.
  ~WebhookDispatcher();

  // For timer ids "dlv|<delivery id>"; OK for others. An error: the timer
  // retries — among them a delivery held back by its target's rate whose
  // timer could not be moved to when a token is free (`reschedule`'s
  // error): returning OK would let the timers complete (delete) the timer
  // and leave the delivery pending with none, never sent.
  absl::Status OnTimer(const std::string& timer_id);

 private:
  void Record(ports::Delivery delivery, const notify::Target& target,
              absl::StatusOr<runtime::HttpResponse> response, absl::Duration latency);

  ports::AlertStore& store_;
  const app::Catalog& catalog_;
  runtime::HttpClient& http_;
  const runtime::Clock& clock_;
  AlertMetrics& metrics_;
  Reschedule reschedule_;
  absl::Mutex mu_;
  std::map<std::string, notify::RateLimiter> limiters_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;  // requests sent, result not yet submitted
  // Records results off the HTTP client's I/O thread (Redis calls block).
  std::unique_ptr<runtime::WorkerPool> recorder_;
};

// The Notification a delivery sends, from the incident as it is now.
notify::Notification NotificationFor(const ports::Delivery& delivery,
                                     const ports::Incident& incident,
                                     const std::string& plan_name, absl::Time now);

}  // namespace sqms::alerts::adapters
