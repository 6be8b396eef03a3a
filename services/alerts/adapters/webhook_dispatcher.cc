#include "services/alerts/adapters/webhook_dispatcher.h"

#include <chrono>
#include <random>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/alerts/notify/reply.h"
#include "sqms/runtime/log.h"

namespace sqms::alerts::adapters {
namespace {

constexpr absl::Duration kSafetyMargin = absl::Seconds(10);

double UnitRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

notify::Notification NotificationFor(const ports::Delivery& d, const ports::Incident& i,
                                     const std::string& plan_name, absl::Time now) {
  notify::Notification n;
  n.delivery_id = d.id;
  n.kind = d.kind;
  n.incident_id = i.id;
  n.plan_id = i.plan_id;
  n.plan_name = plan_name;
  n.title = i.title;
  n.level = i.level;
  n.state = std::string(domain::IncidentStateName(i.state));
  n.tier = d.tier;
  n.repeat = d.repeat;
  n.drill = i.drill;
  n.labels.assign(i.labels.begin(), i.labels.end());
  n.recipients = d.recipients;
  n.opened_at = i.opened_at;
  n.acknowledged_by = i.acknowledged_by;
  n.acknowledged_at = i.acknowledged_at;
  n.sent_at = now;
  n.version = d.decided_version;
  return n;
}

WebhookDispatcher::WebhookDispatcher(ports::AlertStore& store, const app::Catalog& catalog,
                                     runtime::HttpClient& http, const runtime::Clock& clock,
                                     AlertMetrics& metrics, Reschedule reschedule)
    : store_(store),
      catalog_(catalog),
      http_(http),
      clock_(clock),
      metrics_(metrics),
      reschedule_(std::move(reschedule)),
      recorder_(std::make_unique<runtime::WorkerPool>(1)) {}

WebhookDispatcher::~WebhookDispatcher() {
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* in_flight) { return *in_flight == 0; }, &in_flight_));
  }
  recorder_.reset();
}

absl::Status WebhookDispatcher::OnTimer(const std::string& timer_id) {
  if (!absl::StartsWith(timer_id, "dlv|")) return absl::OkStatus();
  const std::string id = timer_id.substr(4);
  auto current = store_.GetDelivery(id);
  if (!current.ok()) return current.status();
  if (!current->has_value() || (*current)->status != "pending") return absl::OkStatus();
  auto catalog = catalog_.Snapshot();
  const notify::Target* found = catalog->FindTarget((*current)->target);
  if (found == nullptr) {  // the target left the config: nothing can deliver it
    ports::Delivery failed = **current;
    failed.status = "failed";
    failed.last_error = "unknown target";
    metrics_.Notification(failed.target, "failed");
    return store_.RecordAttempt(failed, clock_.Now());
  }
  const notify::Target target = *found;
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    auto [it, added] = limiters_.try_emplace(target.id, target.rate_per_minute);
    if (absl::Duration wait = it->second.Take(now); wait > absl::ZeroDuration()) {
      // Not moved (a Redis blip): the error makes the timers retry this
      // one; OK would complete it and orphan the pending delivery.
      return reschedule_(timer_id, now + wait);
    }
  }
  auto claim = store_.ClaimDelivery(id, now + target.timeout + kSafetyMargin);
  if (!claim.ok()) return claim.status();
  if (claim->kind == ports::DeliveryClaim::Kind::kCancelled) {
    metrics_.Notification(target.id, "cancelled");
    return absl::OkStatus();
  }
  if (claim->kind != ports::DeliveryClaim::Kind::kClaimed) return absl::OkStatus();
  const domain::Plan* plan = catalog->FindPlan(claim->incident.plan_id);
  notify::Notification n =
      NotificationFor(claim->delivery, claim->incident, plan ? plan->name : claim->incident.plan_id, now);
  n.zone = catalog->zone;
  runtime::HttpRequest request;
  request.method = "POST";
  request.url = target.url;
  request.headers = {{"Content-Type", "application/json; charset=utf-8"},
                     {"X-SQMS-Delivery", claim->delivery.id}};
  for (const auto& h : target.headers) request.headers.push_back(h);
  request.body = notify::RenderBody(target.kind, n);
  request.timeout = std::chrono::milliseconds(absl::ToInt64Milliseconds(target.timeout));
  const auto started = std::chrono::steady_clock::now();
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  http_.Send(std::move(request), [this, delivery = claim->delivery, target,
                                  started](absl::StatusOr<runtime::HttpResponse> response) mutable {
    const absl::Duration latency = absl::FromChrono(std::chrono::steady_clock::now() - started);
    recorder_->Submit([this, delivery = std::move(delivery), target,
                       response = std::move(response), latency]() mutable {
      Record(std::move(delivery), target, std::move(response), latency);
    });
    absl::MutexLock lock(&mu_);  // last: the destructor may go on once this is 0
    --in_flight_;
  });
  return absl::OkStatus();
}

void WebhookDispatcher::Record(ports::Delivery d, const notify::Target& target,
                               absl::StatusOr<runtime::HttpResponse> response,
                               absl::Duration latency) {
  const absl::Time now = clock_.Now();
  d.last_latency_ms = absl::ToInt64Milliseconds(latency);
  metrics_.NotificationLatency(target.id, absl::ToDoubleSeconds(latency));
  notify::ReplyVerdict verdict;
  if (response.ok()) {
    // A robot answers 200 also when it refuses the message: its body decides.
    verdict = notify::JudgeReply(target.kind, response->status, response->body,
                                 response->Header("retry-after"));
    d.last_http_status = response->status;
  } else {
    verdict.error = std::string(response.status().message());
    d.last_http_status = 0;
  }
  d.last_error = verdict.error;
  const bool ok = verdict.delivered;
  absl::Time retry_at = now;
  if (ok) {
    d.status = "delivered";
  } else {
    const notify::NextAttempt next =
        notify::AfterFailedAttempt(target, d.attempts, verdict, d.created_at, now, UnitRandom());
    d.status = next.give_up ? "failed" : "pending";
    retry_at = next.retry_at;
  }
  if (verdict.throttled > absl::ZeroDuration()) {
    // The target blocks for a while: this replica's other deliveries to it
    // wait too instead of prolonging the block.
    absl::MutexLock lock(&mu_);
    auto [it, added] = limiters_.try_emplace(target.id, target.rate_per_minute);
    it->second.PauseUntil(now + verdict.throttled);
  }
  metrics_.Notification(target.id, ok ? "delivered" : d.status == "failed" ? "failed" : "retried");
  if (absl::Status s = store_.RecordAttempt(d, retry_at); !s.ok()) {
    // The safety-net timer sends it again: at least once.
    runtime::log::Warn("delivery result not recorded", {{"delivery", d.id}, {"error", s.ToString()}});
    return;
  }
  if (!ok) {
    runtime::log::Warn("notification attempt failed",
                       {{"delivery", d.id}, {"target", target.id}, {"attempt", d.attempts},
                        {"http_status", d.last_http_status}, {"error", d.last_error},
                        {"outcome", d.status}});
  }
}

}  // namespace sqms::alerts::adapters
