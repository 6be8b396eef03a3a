#include "services/complaints/app/complaint_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/complaints/domain/masking.h"
#include "services/complaints/domain/request_fingerprint.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/hmac.h"
#include "sqms/runtime/ids.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::app {
namespace {

// Optimistic-concurrency retries for commands without an expected version.
constexpr int kMaxCommandAttempts = 5;

}  // namespace

ComplaintService::ComplaintService(ports::ComplaintRepository& repository,
                                   const TriageSource& triage, const runtime::Clock& clock,
                                   std::string pii_key, ComplaintObserver observer,
                                   domain::ValidationLimits limits,
                                   KnownIssues* known_issues)
    : repository_(repository),
      triage_(triage),
      clock_(clock),
      pii_key_(std::move(pii_key)),
      observer_(std::move(observer)),
      limits_(limits),
      known_issues_(known_issues) {}

std::vector<ports::PendingEvent> ComplaintService::WithIds(std::vector<domain::Event> events) {
  std::vector<ports::PendingEvent> out;
  out.reserve(events.size());
  for (auto& e : events) out.push_back({runtime::NewEventId(), std::move(e)});
  return out;
}

absl::Time ComplaintService::Now() const {
  // Millisecond precision everywhere: the store's indexes and the events
  // keep milliseconds, so the API's times compare exactly with them.
  return absl::FromUnixMillis(absl::ToUnixMillis(clock_.Now()));
}

std::string ComplaintService::ComplainantKey(const domain::Complainant& complainant) const {
  std::string identity = domain::ComplainantIdentity(complainant);
  return identity.empty() ? "" : runtime::HmacSha256Hex(pii_key_, identity);
}

std::string ComplaintService::Fingerprint(const std::string& complainant_key,
                                          domain::Category category,
                                          const std::string& station) const {
  // Same person, same kind of issue, same place: one fingerprint. Anonymous
  // complaints have none and are never linked.
  if (complainant_key.empty()) return "";
  return runtime::HmacSha256Hex(pii_key_, absl::StrCat(complainant_key, "|",
                                                       static_cast<int>(category), "|", station))
      .substr(0, 32);
}

absl::StatusOr<domain::Complaint> ComplaintService::Get(const std::string& id) {
  if (id.empty()) return runtime::InvalidArgument({{"id", "required"}});
  return repository_.Get(id, /*with_audit=*/true);
}

absl::StatusOr<domain::Assessment> ComplaintService::ExplainTriage(
    const domain::Submission& submission, std::string* normalized_text,
    domain::SlaPolicy* policy) const {
  if (auto s = domain::ValidateTriageText(submission, limits_); !s.ok()) return s;
  const std::shared_ptr<const domain::Triage> triage = triage_.Current();
  domain::Assessment assessment = triage->Assess(submission);
  *normalized_text = triage->NormalizedText(submission);
  *policy = triage->Policy(assessment.priority);
  return assessment;
}

absl::StatusOr<ports::ListPage> ComplaintService::List(const ports::ListQuery& query) {
  if (query.page_size < 1 || query.page_size > 500) {
    return runtime::InvalidArgument({{"page_size", "must be 1..500"}});
  }
  if (query.complainant_phone.empty()) return repository_.List(query);
  domain::Complainant complainant;
  complainant.phone = query.complainant_phone;
  ports::ListQuery by_key = query;
  by_key.complainant_key = ComplainantKey(complainant);
  by_key.complainant_phone.clear();
  if (by_key.complainant_key.empty()) {  // no digits: no phone identity
    return runtime::InvalidArgument({{"filter.complainant_phone", "has no digits"}});
  }
  return repository_.List(by_key);
}

absl::StatusOr<domain::Complaint> ComplaintService::Execute(const std::string& id,
                                                            int64_t expected_version,
                                                            domain::Command command) {
  std::vector<runtime::FieldViolation> violations;
  if (id.empty()) violations.push_back({"id", "required"});
  if (expected_version < 0) violations.push_back({"expected_version", "must be >= 0"});
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));
  if (auto s = domain::ValidateCommand(command, limits_); !s.ok()) return s;

  // A retry of a recorded request id answers its first outcome. The record
  // is looked up only when the command does not simply apply (the write
  // itself refuses a recorded id), so a first attempt costs no extra round
  // trip: a retry finds it where the fresh path fails — a version that moved
  // on, a transition no longer legal, a write that changed nothing.
  std::string request_fingerprint;
  if (!command.request_id.empty()) {
    request_fingerprint =
        RequestFingerprint(domain::CanonicalCommand(id, expected_version, command));
  }
  auto first_outcome_or = [&](absl::Status otherwise) -> absl::StatusOr<domain::Complaint> {
    if (command.request_id.empty()) return otherwise;
    auto first = FirstOutcome(id, command.request_id, request_fingerprint);
    if (!first.ok()) return first.status();
    if (*first) return **std::move(first);
    return otherwise;
  };

  for (int attempt = 0; attempt < kMaxCommandAttempts; ++attempt) {
    auto complaint = repository_.Get(id, /*with_audit=*/false);
    if (!complaint.ok()) return complaint.status();
    const int64_t loaded = complaint->version;
    if (expected_version != 0 && loaded != expected_version) {
      return first_outcome_or(absl::AbortedError(absl::StrCat(
          "complaint ", id, " is at version ", loaded, ", expected ", expected_version)));
    }
    command.now = Now();
    const domain::Category category_before = complaint->category;
    const domain::Priority priority_before = complaint->priority;
    auto events = domain::Apply(*complaint, command, *triage_.Current());
    if (!events.ok()) return first_outcome_or(events.status());

    ports::ComplaintUpdate update;
    update.expected_version = loaded;
    update.events = WithIds(*std::move(events));
    update.timers = domain::PendingTimers(*complaint);
    update.complainant_key = ComplainantKey(complaint->complainant);
    update.complaint = *std::move(complaint);
    update.request_id = command.request_id;
    update.request_fingerprint = request_fingerprint;
    update.request_ttl = triage_.Current()->config().idempotency_ttl;
    auto won = repository_.Update(update);
    if (!won.ok()) return won.status();
    if (*won) {
      if (command.kind == domain::CommandKind::kReclassify && observer_.reclassified) {
        observer_.reclassified(category_before, priority_before, update.complaint);
      }
      return std::move(update.complaint);
    }
    // Recorded already (a retry, or a concurrent attempt of the same
    // request), or lost to another writer.
    if (!command.request_id.empty()) {
      auto first = FirstOutcome(id, command.request_id, request_fingerprint);
      if (!first.ok()) return first.status();
      if (*first) return **std::move(first);
    }
    if (expected_version != 0) {
      return absl::AbortedError(
          absl::StrCat("complaint ", id, " changed concurrently; version ", expected_version,
                       " is stale"));
    }
  }
  return absl::AbortedError(absl::StrCat("complaint ", id, " is changing too often; retry"));
}

absl::StatusOr<bool> ComplaintService::FireTimer(const std::string& complaint_id) {
  const absl::Time now = Now();
  auto complaint = repository_.Get(complaint_id, /*with_audit=*/false);
  // Gone, or an id that cannot be ours: nothing will ever fire, drop it.
  if (absl::IsNotFound(complaint.status()) || absl::IsInvalidArgument(complaint.status())) {
    return false;
  }
  if (!complaint.ok()) return complaint.status();
  const int64_t loaded = complaint->version;
  std::vector<domain::Event> events = domain::FireDueTimers(*complaint, now, *triage_.Current());
  // Stale: the state moved on since the timer was set (its write re-set it).
  if (events.empty()) return false;
  ports::ComplaintUpdate update;
  update.expected_version = loaded;
  update.timers = domain::PendingTimers(*complaint);
  update.complainant_key = ComplainantKey(complaint->complainant);
  update.events = WithIds(std::move(events));
  update.complaint = *std::move(complaint);
  auto won = repository_.Update(update);
  if (!won.ok()) return won.status();
  if (!*won) return false;  // a command or another replica got there first
  for (const auto& e : update.events) {
    if (e.event.type == domain::EventType::kSlaBreached && observer_.sla_breached) {
      observer_.sla_breached(update.complaint, e.event.sla_target);
    }
  }
  return true;
}

}  // namespace sqms::complaints::app
