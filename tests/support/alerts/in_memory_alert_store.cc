#include "tests/support/alerts/in_memory_alert_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/alerts/domain/plan_source.h"

namespace sqms::alerts::testing {
namespace {

std::string DeliveryTimer(const std::string& id) { return absl::StrCat("dlv|", id); }
std::string CommandRecord(const std::string& request_id) {
  return absl::StrCat("cmd|", request_id);
}

}  // namespace

absl::StatusOr<std::optional<ports::Incident>> InMemoryAlertStore::Get(const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto it = incidents_.find(id);
  if (it == incidents_.end()) return std::nullopt;
  return std::optional<ports::Incident>(it->second);
}

absl::StatusOr<std::string> InMemoryAlertStore::FindGroup(const std::string& group_key) {
  absl::MutexLock lock(&mu_);
  auto it = groups_.find(group_key);
  return it == groups_.end() ? std::string() : it->second;
}

absl::StatusOr<std::vector<ports::Incident>> InMemoryAlertStore::List(
    const ports::ListFilter& filter) {
  absl::MutexLock lock(&mu_);
  std::vector<ports::Incident> out;
  for (const auto& [id, incident] : incidents_) {
    if (filter.active_only && !active_.contains(id)) continue;
    if (!filter.plan_id.empty() && incident.plan_id != filter.plan_id) continue;
    if (filter.after && !(ports::ListPosition(incident) < *filter.after)) continue;
    out.push_back(incident);
  }
  std::sort(out.begin(), out.end(), [](const ports::Incident& a, const ports::Incident& b) {
    return ports::ListPosition(b) < ports::ListPosition(a);
  });
  if (static_cast<int>(out.size()) > filter.limit) out.resize(std::max(0, filter.limit));
  return out;
}

void InMemoryAlertStore::BeforeNextWrite(std::function<void()> hook) {
  absl::MutexLock lock(&mu_);
  before_next_write_ = std::move(hook);
}

absl::StatusOr<ports::WriteOutcome> InMemoryAlertStore::Write(ports::IncidentWrite& w) {
  std::function<void()> hook;
  {
    absl::MutexLock lock(&mu_);
    hook.swap(before_next_write_);
  }
  if (hook) hook();
  absl::MutexLock lock(&mu_);
  ports::Incident& inc = w.incident;
  // The order of RedisAlertStore's script: replay, version, unclaimed
  // pages, group.
  if (!w.request_id.empty() && seen_.contains(CommandRecord(w.request_id))) {
    return ports::WriteOutcome::kReplayed;
  }
  auto current = incidents_.find(inc.id);
  const int64_t version = current == incidents_.end() ? 0 : current->second.version;
  if (version != w.expected_version) return ports::WriteOutcome::kConflict;
  for (const std::string& page : w.unclaimed_pages) {
    auto d = deliveries_.find(page);
    if (d != deliveries_.end() && d->second.attempts > 0) return ports::WriteOutcome::kConflict;
  }
  if (w.claim_group) {
    auto holder = groups_.find(inc.group_key);
    if (holder != groups_.end() && holder->second != inc.id) {
      return ports::WriteOutcome::kGroupTaken;
    }
    groups_[inc.group_key] = inc.id;
  }
  if (w.release_group) {
    auto holder = groups_.find(inc.group_key);
    if (holder != groups_.end() && holder->second == inc.id) groups_.erase(holder);
  }
  inc.version = version + 1;
  incidents_[inc.id] = inc;
  if (domain::IsActive(inc.state)) {
    active_.insert(inc.id);
  } else {
    active_.erase(inc.id);
  }
  if (!w.request_id.empty()) seen_[CommandRecord(w.request_id)] = std::to_string(inc.version);
  for (const ports::Delivery& d : w.deliveries) {
    ports::Delivery stored = d;
    stored.status = "pending";
    stored.attempts = 0;
    deliveries_[d.id] = std::move(stored);
    timers_[DeliveryTimer(d.id)] = d.created_at;
  }
  for (const ports::TimerChange& t : w.schedule) timers_[t.id] = t.due;
  for (const std::string& t : w.cancel) timers_.erase(t);
  for (ports::IncidentEventKind kind : w.events) {
    events_.push_back({inc.id, kind, w.actor, inc.version});
  }
  ++writes_;
  return ports::WriteOutcome::kWritten;
}

absl::StatusOr<std::optional<ports::Delivery>> InMemoryAlertStore::GetDelivery(
    const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto it = deliveries_.find(id);
  if (it == deliveries_.end()) return std::nullopt;
  return std::optional<ports::Delivery>(it->second);
}

absl::StatusOr<ports::DeliveryClaim> InMemoryAlertStore::ClaimDelivery(const std::string& id,
                                                                       absl::Time retry_at) {
  absl::MutexLock lock(&mu_);
  ports::DeliveryClaim claim;
  auto it = deliveries_.find(id);
  if (it == deliveries_.end()) return claim;  // kDone: gone
  ports::Delivery& d = it->second;
  claim.delivery = d;
  if (d.status != "pending") return claim;  // kDone
  auto incident = incidents_.find(d.incident_id);
  const bool triggered = incident != incidents_.end() &&
                         incident->second.state == domain::IncidentState::kTriggered;
  if (d.IsPage() && !triggered) {
    d.status = "cancelled";
    timers_.erase(DeliveryTimer(id));
    claim.kind = ports::DeliveryClaim::Kind::kCancelled;
    claim.delivery = d;
    return claim;
  }
  d.attempts += 1;
  timers_[DeliveryTimer(id)] = retry_at;
  if (incident == incidents_.end()) {
    // A notice of a removed incident: Redis claims it too, then cannot
    // decode the missing document.
    return absl::InternalError(
        absl::StrCat("delivery ", id, ": incident ", d.incident_id, " not found"));
  }
  claim.kind = ports::DeliveryClaim::Kind::kClaimed;
  claim.delivery = d;
  claim.incident = incident->second;
  return claim;
}

absl::Status InMemoryAlertStore::RecordAttempt(const ports::Delivery& after, absl::Time retry_at) {
  absl::MutexLock lock(&mu_);
  auto it = deliveries_.find(after.id);
  // As the Redis script: never over a delivery; a delivery from any
  // attempt; anything else only from the latest claim's.
  if (it == deliveries_.end() || it->second.status == "delivered") return absl::OkStatus();
  if (after.status != "delivered" && it->second.attempts != after.attempts) {
    return absl::OkStatus();
  }
  // The status and last_* are recorded; the attempt count is the claim's.
  it->second.status = after.status;
  it->second.last_http_status = after.last_http_status;
  it->second.last_error = after.last_error;
  it->second.last_latency_ms = after.last_latency_ms;
  if (after.status == "pending") {
    timers_[DeliveryTimer(after.id)] = retry_at;
  } else {
    timers_.erase(DeliveryTimer(after.id));
  }
  return absl::OkStatus();
}

absl::Status InMemoryAlertStore::PutSilence(const domain::Silence& silence) {
  absl::MutexLock lock(&mu_);
  silences_.insert_or_assign(silence.id, silence);
  return absl::OkStatus();
}

absl::StatusOr<domain::Silence> InMemoryAlertStore::AddSilence(const domain::Silence& silence) {
  absl::MutexLock lock(&mu_);
  return silences_.try_emplace(silence.id, silence).first->second;
}

absl::StatusOr<std::vector<domain::Silence>> InMemoryAlertStore::ListSilences() {
  absl::MutexLock lock(&mu_);
  std::vector<domain::Silence> out;
  for (const auto& [id, silence] : silences_) out.push_back(silence);
  return out;
}

absl::StatusOr<int> InMemoryAlertStore::PruneSilences(absl::Time ended_before) {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(std::erase_if(
      silences_, [&](const auto& entry) { return entry.second.ends_at < ended_before; }));
}

void InMemoryAlertStore::BeforeNextKeep(std::function<void()> hook) {
  absl::MutexLock lock(&mu_);
  before_next_keep_ = std::move(hook);
}

void InMemoryAlertStore::RunKeepHook() {
  std::function<void()> hook;
  {
    absl::MutexLock lock(&mu_);
    hook.swap(before_next_keep_);
  }
  if (hook) hook();
}

absl::StatusOr<bool> InMemoryAlertStore::KeepMuted(const ports::MutedAlert& muted, absl::Time due) {
  RunKeepHook();
  absl::MutexLock lock(&mu_);
  auto ended = ended_.find(muted.fingerprint);
  // As Redis: in milliseconds, and only a finite firing time is checked.
  if (ended != ended_.end() && domain::IsFinite(muted.alert.at) &&
      absl::ToUnixMillis(ended->second) >= absl::ToUnixMillis(muted.alert.at)) {
    return false;
  }
  Keep(muted, due);
  return true;
}

absl::StatusOr<bool> InMemoryAlertStore::KeepMutedIfKept(const ports::MutedAlert& muted,
                                                         absl::Time due) {
  RunKeepHook();
  absl::MutexLock lock(&mu_);
  auto kept = muted_.find(muted.fingerprint);
  if (kept == muted_.end() || kept->second.alert.id != muted.alert.id) return false;
  Keep(muted, due);
  return true;
}

void InMemoryAlertStore::Keep(const ports::MutedAlert& muted, absl::Time due) {
  muted_.insert_or_assign(muted.fingerprint, muted);
  const std::string timer = absl::StrCat("muted|", muted.fingerprint);
  if (due == absl::InfiniteFuture()) {
    timers_.erase(timer);
  } else {
    timers_[timer] = absl::FromUnixMillis(absl::ToUnixMillis(due));  // Redis keeps ms
  }
}

absl::StatusOr<std::optional<ports::MutedAlert>> InMemoryAlertStore::GetMuted(
    const std::string& fingerprint) {
  absl::MutexLock lock(&mu_);
  auto it = muted_.find(fingerprint);
  if (it == muted_.end()) return std::nullopt;
  return std::optional<ports::MutedAlert>(it->second);
}

absl::StatusOr<std::vector<ports::MutedAlert>> InMemoryAlertStore::ListMuted() {
  absl::MutexLock lock(&mu_);
  std::vector<ports::MutedAlert> out;
  for (const auto& [fingerprint, muted] : muted_) out.push_back(muted);
  return out;
}

absl::Status InMemoryAlertStore::DropMuted(const std::string& fingerprint,
                                           const std::string& alert_id) {
  absl::MutexLock lock(&mu_);
  auto kept = muted_.find(fingerprint);
  if (kept == muted_.end() || kept->second.alert.id != alert_id) return absl::OkStatus();
  muted_.erase(kept);
  timers_.erase(absl::StrCat("muted|", fingerprint));
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> InMemoryAlertStore::RecordedEnd(const std::string& fingerprint) {
  absl::MutexLock lock(&mu_);
  auto it = ended_.find(fingerprint);
  // As Redis: in milliseconds.
  return it == ended_.end() ? absl::InfinitePast()
                            : absl::FromUnixMillis(absl::ToUnixMillis(it->second));
}

absl::Status InMemoryAlertStore::DropResolved(const std::string& fingerprint, absl::Time ended_at) {
  absl::MutexLock lock(&mu_);
  auto kept = muted_.find(fingerprint);
  // As Redis: a kept alert that started more than the margin after the end
  // is a newer firing.
  const bool newer = kept != muted_.end() && domain::IsFinite(ended_at) &&
                     domain::IsFinite(kept->second.alert.at) &&
                     absl::ToUnixMillis(kept->second.alert.at) >
                         absl::ToUnixMillis(ended_at + ports::kNewerFiringMargin);
  if (!newer) {
    if (kept != muted_.end()) muted_.erase(kept);
    timers_.erase(absl::StrCat("muted|", fingerprint));
  }
  if (domain::IsFinite(ended_at)) {
    auto [it, inserted] = ended_.try_emplace(fingerprint, ended_at);
    if (!inserted) it->second = std::max(it->second, ended_at);
  }
  return absl::OkStatus();
}

absl::Status InMemoryAlertStore::WakeMuted(const std::string& fingerprint, absl::Time at) {
  absl::MutexLock lock(&mu_);
  if (muted_.contains(fingerprint)) {
    timers_[absl::StrCat("muted|", fingerprint)] = absl::FromUnixMillis(absl::ToUnixMillis(at));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> InMemoryAlertStore::Seen(const std::string& alert_id) {
  absl::MutexLock lock(&mu_);
  auto it = seen_.find(alert_id);
  if (it == seen_.end()) return std::nullopt;
  return std::optional<std::string>(it->second);
}

absl::Status InMemoryAlertStore::MarkSeen(const std::string& alert_id, const std::string& answer) {
  absl::MutexLock lock(&mu_);
  seen_[alert_id] = answer;
  return absl::OkStatus();
}

absl::StatusOr<std::string> InMemoryAlertStore::BindRequest(const std::string& request_id,
                                                            const std::string& fingerprint) {
  absl::MutexLock lock(&mu_);
  // emplace keeps the first binding, as SET-if-absent does in Redis.
  return requests_.emplace(request_id, fingerprint).first->second;
}

void InMemoryAlertStore::ExpireRequestBindings() {
  absl::MutexLock lock(&mu_);
  requests_.clear();
  seen_.clear();
}

absl::StatusOr<int> InMemoryAlertStore::Count(const std::string& key, const std::string& member,
                                              const std::string& complaint_id, absl::Time at,
                                              absl::Duration within) {
  absl::MutexLock lock(&mu_);
  std::map<std::string, Counted>& window = windows_[key];
  const int64_t at_ms = absl::ToUnixMillis(at);
  // The window ends at its newest time; a member before its start is late.
  int64_t newest = at_ms;
  for (const auto& [m, counted] : window) newest = std::max(newest, counted.at_ms);
  const int64_t oldest = newest - absl::ToInt64Milliseconds(within);
  if (at_ms < oldest) return 0;
  // ZADD GT and HSET: a member counts once, at its latest time, with the
  // complaint id of its latest Count.
  auto [it, added] = window.try_emplace(member, Counted{at_ms, complaint_id});
  if (!added) it->second = {std::max(it->second.at_ms, at_ms), complaint_id};
  std::erase_if(window, [oldest](const auto& entry) { return entry.second.at_ms < oldest; });
  return static_cast<int>(window.size());
}

absl::StatusOr<std::vector<std::string>> InMemoryAlertStore::CountedComplaints(
    const std::string& key, absl::Time at, absl::Duration within, size_t limit) {
  absl::MutexLock lock(&mu_);
  auto window = windows_.find(key);
  if (window == windows_.end()) return std::vector<std::string>{};
  const int64_t oldest = absl::ToUnixMillis(at) - absl::ToInt64Milliseconds(within);
  // Redis's order: by score, then by member.
  std::vector<std::pair<int64_t, std::string>> inside;  // (score, member)
  for (const auto& [member, counted] : window->second) {
    if (counted.at_ms >= oldest) inside.emplace_back(counted.at_ms, member);
  }
  std::sort(inside.begin(), inside.end());
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& [at_ms, member] : inside) {
    const std::string& id = window->second.at(member).complaint_id;
    if (out.size() >= limit) break;
    if (!id.empty() && seen.insert(id).second) out.push_back(id);
  }
  return out;
}

std::map<std::string, absl::Time> InMemoryAlertStore::Timers() const {
  absl::MutexLock lock(&mu_);
  return timers_;
}

std::vector<std::string> InMemoryAlertStore::DueTimers(absl::Time now) const {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<absl::Time, std::string>> due;
  for (const auto& [id, at] : timers_) {
    if (at <= now) due.emplace_back(at, id);
  }
  std::sort(due.begin(), due.end());
  std::vector<std::string> out;
  for (auto& [at, id] : due) out.push_back(std::move(id));
  return out;
}

bool InMemoryAlertStore::CompleteTimer(const std::string& id, absl::Time due) {
  absl::MutexLock lock(&mu_);
  auto it = timers_.find(id);
  if (it == timers_.end() || it->second != due) return false;
  timers_.erase(it);
  return true;
}

std::vector<QueuedEvent> InMemoryAlertStore::Events() const {
  absl::MutexLock lock(&mu_);
  return events_;
}

std::vector<ports::IncidentEventKind> InMemoryAlertStore::EventKinds(
    const std::string& incident_id) const {
  absl::MutexLock lock(&mu_);
  std::vector<ports::IncidentEventKind> out;
  for (const QueuedEvent& e : events_) {
    if (e.incident_id == incident_id) out.push_back(e.kind);
  }
  return out;
}

absl::StatusOr<std::vector<ports::StoredPlan>> InMemoryAlertStore::ListPlans() {
  absl::MutexLock lock(&mu_);
  std::vector<ports::StoredPlan> out;
  for (const auto& [id, stored] : plans_) out.push_back(stored);
  return out;
}

absl::StatusOr<ports::WriteOutcome> InMemoryAlertStore::WritePlan(ports::PlanWrite& w) {
  absl::MutexLock lock(&mu_);
  auto it = plans_.find(w.plan.id);
  const bool stored = it != plans_.end();
  const domain::PlanSourceChoice in_force =
      domain::ChoosePlanSource(w.config_version, w.config_seed, stored ? it->second.version : 0,
                               stored ? it->second.seed : std::string());
  if (in_force.version != w.expected_version) {
    w.current_version = in_force.version;
    return ports::WriteOutcome::kConflict;
  }
  w.plan.version = w.expected_version + 1;
  plans_[w.plan.id] = ports::StoredPlan{.id = w.plan.id, .version = w.plan.version,
                                        .seed = w.config_seed, .plan = w.plan, .problem = ""};
  return ports::WriteOutcome::kWritten;
}

absl::StatusOr<std::vector<ports::StoredPlan>> InMemoryAlertStore::ListKnownPlans() {
  absl::MutexLock lock(&mu_);
  std::vector<ports::StoredPlan> out;
  for (const auto& [id, plan] : known_plans_) {
    out.push_back(ports::StoredPlan{
        .id = id, .version = plan.version, .seed = "", .plan = plan, .problem = ""});
  }
  return out;
}

absl::Status InMemoryAlertStore::PutKnownPlan(const domain::Plan& plan) {
  absl::MutexLock lock(&mu_);
  known_plans_[plan.id] = plan;
  return absl::OkStatus();
}

absl::Status InMemoryAlertStore::DropKnownPlan(const std::string& id) {
  absl::MutexLock lock(&mu_);
  known_plans_.erase(id);
  return absl::OkStatus();
}

int InMemoryAlertStore::writes() const {
  absl::MutexLock lock(&mu_);
  return writes_;
}

}  // namespace sqms::alerts::testing
