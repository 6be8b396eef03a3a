#include "tests/unit/complaints/app/in_memory_complaint_repository.h"

#include <algorithm>
#include <iterator>
#include <tuple>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/complaints/adapters/list_page_token.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::app::testing {
namespace {

constexpr char kIdPrefix[] = "CMP-";

absl::Status CheckId(const std::string& id) {
  int64_t n = 0;
  if (id.rfind(kIdPrefix, 0) == 0 && absl::SimpleAtoi(id.substr(4), &n) && n > 0) {
    return absl::OkStatus();
  }
  return runtime::InvalidArgument({{"id", absl::StrCat("\"", id, "\" is not a complaint id")}});
}

std::string Member(const std::string& id, domain::SlaTarget target, bool breach) {
  return absl::StrCat(id, "|", static_cast<int>(target), "|", breach ? "b" : "r");
}

template <typename T>
bool InSet(const std::vector<T>& set, T v) {
  return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
}

// (received_at or next due, id): the list order and the page position.
using Position = std::pair<absl::Time, std::string>;

}  // namespace

InMemoryComplaintRepository::InMemoryComplaintRepository(const runtime::Clock& clock)
    : clock_(clock) {}

absl::Status InMemoryComplaintRepository::Enter(Op op) {
  std::function<void()> hook;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = hooks_.find(op); it != hooks_.end()) {
      hook = std::move(it->second);
      hooks_.erase(it);
    }
  }
  if (hook) hook();
  absl::MutexLock lock(&mu_);
  return down_;
}

std::string InMemoryComplaintRepository::Live(const std::map<std::string, Key>& keys,
                                              const std::string& key) const {
  auto it = keys.find(key);
  if (it == keys.end() || clock_.Now() >= it->second.expires) return "";
  return it->second.value;
}

std::string InMemoryComplaintRepository::NewId(const std::string& /*seed*/, absl::Time /*now*/) {
  Enter(Op::kNewId).IgnoreError();  // NewId cannot fail: it runs the hook only
  absl::MutexLock lock(&mu_);
  return absl::StrCat(kIdPrefix, next_id_++);
}

absl::StatusOr<ports::CreateResult> InMemoryComplaintRepository::CreateNow(
    const ports::NewComplaint& record) {
  if (auto s = Enter(Op::kCreate); !s.ok()) return s;
  const domain::Complaint& c = record.complaint;
  if (auto s = CheckId(c.id); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  if (auto it = records_.find(c.id); it != records_.end()) {
    if (!record.idempotency_scope.empty() &&
        it->second.idempotency_scope == record.idempotency_scope) {
      return ports::CreateResult{ports::CreateOutcome::kReplayed, c.id, ""};
    }
    return absl::AbortedError(absl::StrCat("complaint id collision on ", c.id, "; retry"));
  }
  if (!record.fingerprint.empty()) {
    if (std::string first = Live(dedup_, record.fingerprint); first != record.expected_first) {
      return ports::CreateResult{ports::CreateOutcome::kDuplicateRaced, "", first};
    }
  }
  const absl::Time now = clock_.Now();
  Record& stored = records_[c.id];
  stored.complaint = c;
  stored.complaint.audit.clear();
  stored.complainant_key = record.complainant_key;
  stored.fingerprint = record.fingerprint;
  stored.idempotency_scope = record.idempotency_scope;
  if (!record.fingerprint.empty() && record.expected_first.empty()) {
    dedup_[record.fingerprint] = {c.id, now + record.duplicate_window};
  }
  for (const auto& entry : c.audit) stored.audit.push_back(entry);
  ReplaceTimers(c.id, record.timers);
  AppendOutbox(stored, record.events);
  ++creates_;
  return ports::CreateResult{ports::CreateOutcome::kCreated, c.id, ""};
}

absl::StatusOr<domain::Complaint> InMemoryComplaintRepository::GetNow(const std::string& id,
                                                                      bool with_audit) {
  if (auto s = Enter(Op::kGet); !s.ok()) return s;
  if (auto s = CheckId(id); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto it = records_.find(id);
  if (it == records_.end()) return absl::NotFoundError(absl::StrCat("complaint ", id, " not found"));
  domain::Complaint out = it->second.complaint;
  if (with_audit) out.audit = it->second.audit;
  return out;
}

absl::StatusOr<bool> InMemoryComplaintRepository::Update(const ports::ComplaintUpdate& update) {
  if (auto s = Enter(Op::kUpdate); !s.ok()) return s;
  const domain::Complaint& c = update.complaint;
  if (auto s = CheckId(c.id); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto it = records_.find(c.id);
  if (it == records_.end()) {
    return absl::NotFoundError(absl::StrCat("complaint ", c.id, " not found"));
  }
  Record& stored = it->second;
  const std::string request_key = absl::StrCat(c.id, "\n", update.request_id);
  if (!update.request_id.empty()) {
    auto seen = requests_.find(request_key);
    if (seen != requests_.end() && seen->second.expires > clock_.Now()) return false;
  }
  if (stored.complaint.version != update.expected_version) return false;
  for (const auto& entry : c.audit) {
    if (entry.version > update.expected_version) stored.audit.push_back(entry);
  }
  stored.complaint = c;
  stored.complaint.audit.clear();
  stored.complainant_key = update.complainant_key;
  ReplaceTimers(c.id, update.timers);
  AppendOutbox(stored, update.events);
  if (!update.request_id.empty()) {
    requests_[request_key] = {{update.request_fingerprint, stored.complaint},
                              clock_.Now() + update.request_ttl};
  }
  ++updates_;
  return true;
}

absl::StatusOr<ports::IdempotencyReservation> InMemoryComplaintRepository::ReserveNow(
    const std::string& scope, const std::string& request_fingerprint,
    const std::string& complaint_id, absl::Duration ttl) {
  if (auto s = Enter(Op::kReserve); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  if (std::string held = Live(idempotency_, scope); !held.empty()) {
    const size_t tab = held.find('\t');
    return ports::IdempotencyReservation{held.substr(0, tab), held.substr(tab + 1), false};
  }
  idempotency_[scope] = {absl::StrCat(request_fingerprint, "\t", complaint_id),
                         clock_.Now() + ttl};
  return ports::IdempotencyReservation{request_fingerprint, complaint_id, true};
}

absl::StatusOr<std::optional<ports::RecordedRequest>> InMemoryComplaintRepository::FindRequest(
    const std::string& id, const std::string& request_id) {
  if (auto s = Enter(Op::kFindRequest); !s.ok()) return s;
  if (auto s = CheckId(id); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto it = requests_.find(absl::StrCat(id, "\n", request_id));
  if (it == requests_.end() || it->second.expires <= clock_.Now()) return std::nullopt;
  return it->second.request;
}

void InMemoryComplaintRepository::ReplaceTimers(const std::string& id,
                                                const std::vector<domain::SlaTimer>& timers) {
  const std::string prefix = id + "|";
  for (auto it = timers_.begin(); it != timers_.end();) {
    it = it->second.rfind(prefix, 0) == 0 ? timers_.erase(it) : std::next(it);
  }
  for (const auto& t : timers) timers_.emplace(t.at, Member(id, t.target, t.breach));
  ++timer_generation_[id];
}

void InMemoryComplaintRepository::AppendOutbox(const Record& record,
                                               const std::vector<ports::PendingEvent>& events) {
  for (const auto& e : events) outbox_.push_back({e, record.complaint, record.complainant_key});
}

bool InMemoryComplaintRepository::Matches(const ports::ListQuery& q, const Record& r) const {
  const domain::Complaint& c = r.complaint;
  return InSet(q.statuses, c.status) && InSet(q.categories, c.category) &&
         InSet(q.priorities, c.priority) &&
         (q.department.empty() || q.department == c.department) &&
         (q.channel == domain::Channel::kUnspecified || q.channel == c.channel) &&
         (q.region.empty() || q.region == c.location.region) &&
         (q.station.empty() || q.station == c.location.station) &&
         (!q.created_after || c.received_at >= *q.created_after) &&
         (!q.created_before || c.received_at < *q.created_before) &&
         (!q.sla_breached_only || c.sla.AnyBreached()) &&
         (q.assignee.empty() || q.assignee == c.assignee) &&
         (!q.sla_at_risk_only || c.sla.AnyAtRisk()) &&
         (!q.escalated_only || c.escalation_level > 0) &&
         (q.complainant_key.empty() || q.complainant_key == r.complainant_key) &&
         (q.incident_id.empty() ||
          (c.known_issue && c.known_issue->incident_id == q.incident_id));
}

absl::StatusOr<ports::ListPage> InMemoryComplaintRepository::List(const ports::ListQuery& query) {
  if (auto s = Enter(Op::kList); !s.ok()) return s;
  auto token = adapters::DecodePageToken(query);
  if (!token.ok()) return token.status();
  std::optional<Position> after;
  if (*token) after = Position{absl::FromUnixMillis((*token)->at), (*token)->key};
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<Position, const Record*>> matching;
  for (const auto& [id, record] : records_) {
    Position p{record.complaint.received_at, id};
    if (query.order == ports::ListOrder::kNextDue) {
      const std::optional<absl::Time> due = domain::NextDue(record.complaint);
      if (!due) continue;
      p.first = absl::FromUnixMillis(absl::ToUnixMillis(*due));  // ms, as the store keeps it
    }
    if (after && !(*after < p)) continue;
    if (Matches(query, record)) matching.push_back({std::move(p), &record});
  }
  std::sort(matching.begin(), matching.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  ports::ListPage page;
  const size_t n = std::min(matching.size(), static_cast<size_t>(std::max(query.page_size, 0)));
  for (size_t i = 0; i < n; ++i) page.complaints.push_back(matching[i].second->complaint);
  if (n > 0 && n < matching.size()) {
    const Position& last = matching[n - 1].first;
    page.next_page_token =
        adapters::EncodePageToken(query, {absl::ToUnixMillis(last.first), last.second});
  }
  return page;
}

absl::StatusOr<ports::StatusCounts> InMemoryComplaintRepository::CountByStatusAndPriority() {
  if (auto s = Enter(Op::kCount); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  ports::StatusCounts counts;
  for (const auto& [id, record] : records_) {
    ++counts[{record.complaint.status, record.complaint.priority}];
  }
  return counts;
}

absl::StatusOr<std::vector<InMemoryComplaintRepository::DueTimer>>
InMemoryComplaintRepository::DueTimers(absl::Time now, int limit) {
  if (auto s = Enter(Op::kDueTimers); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  std::vector<DueTimer> due;
  for (auto it = timers_.begin();
       it != timers_.end() && it->first <= now && static_cast<int>(due.size()) < limit; ++it) {
    std::string id = it->second.substr(0, it->second.find('|'));
    const int64_t generation = timer_generation_[id];
    due.push_back({std::move(id), it->second, it->first, generation});
  }
  return due;
}

absl::Status InMemoryComplaintRepository::DropTimer(const DueTimer& timer) {
  if (auto s = Enter(Op::kDropTimer); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  if (timer_generation_[timer.complaint_id] != timer.generation) return absl::OkStatus();
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->first == timer.at && it->second == timer.member) {
      timers_.erase(it);
      break;  // a sorted-set member exists at most once
    }
  }
  return absl::OkStatus();
}

void InMemoryComplaintRepository::SetDown(absl::Status status) {
  absl::MutexLock lock(&mu_);
  down_ = std::move(status);
}

void InMemoryComplaintRepository::BeforeNext(Op op, std::function<void()> action) {
  absl::MutexLock lock(&mu_);
  hooks_[op] = std::move(action);
}

absl::Status InMemoryComplaintRepository::SimulateConcurrentWrite(const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto it = records_.find(id);
  if (it == records_.end()) return absl::NotFoundError(id);
  domain::Complaint& c = it->second.complaint;
  c.version += 1;
  it->second.audit.push_back({clock_.Now(), "other-writer", "note", c.status, c.status,
                              "concurrent change", c.version});
  ReplaceTimers(id, domain::PendingTimers(c));
  ++updates_;
  return absl::OkStatus();
}

void InMemoryComplaintRepository::PlantTimer(const std::string& id, domain::SlaTarget target,
                                             bool breach, absl::Time at) {
  absl::MutexLock lock(&mu_);
  timers_.emplace(at, Member(id, target, breach));
}

int InMemoryComplaintRepository::creates() const {
  absl::MutexLock lock(&mu_);
  return creates_;
}

int InMemoryComplaintRepository::updates() const {
  absl::MutexLock lock(&mu_);
  return updates_;
}

std::vector<InMemoryComplaintRepository::OutboxEntry> InMemoryComplaintRepository::outbox() const {
  absl::MutexLock lock(&mu_);
  return outbox_;
}

std::vector<std::pair<absl::Time, std::string>> InMemoryComplaintRepository::timers() const {
  absl::MutexLock lock(&mu_);
  return {timers_.begin(), timers_.end()};
}

std::string InMemoryComplaintRepository::ComplainantKeyOf(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = records_.find(id);
  return it == records_.end() ? "" : it->second.complainant_key;
}

std::string InMemoryComplaintRepository::FingerprintOf(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = records_.find(id);
  return it == records_.end() ? "" : it->second.fingerprint;
}

}  // namespace sqms::complaints::app::testing
