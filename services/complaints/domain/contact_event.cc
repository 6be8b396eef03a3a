#include "services/complaints/domain/contact_event.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/complaints/domain/validation.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

using runtime::FieldViolation;

// Code points of valid UTF-8: every byte that is not a continuation byte.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

class Checker {
 public:
  void Text(std::string_view field, std::string_view value, size_t max, bool required = false) {
    if (value.empty()) {
      if (required) Add(field, "is required");
      return;
    }
    if (!IsValidUtf8(value)) {
      Add(field, "must be valid UTF-8");
    } else if (CodePoints(value) > max) {
      Add(field, absl::StrCat("must be at most ", max, " characters"));
    }
  }
  void Range(std::string_view field, int64_t value, int64_t lo, int64_t hi) {
    if (value < lo || value > hi) {
      Add(field, absl::StrCat("must be between ", lo, " and ", hi));
    }
  }
  void Add(std::string_view field, std::string description) {
    violations_.push_back({std::string(field), std::move(description)});
  }
  absl::Status Done() { return runtime::InvalidArgument(std::move(violations_)); }
  // For the shared checks of validation.h.
  std::vector<FieldViolation>& violations() { return violations_; }

 private:
  std::vector<FieldViolation> violations_;
};

void CheckTime(Checker& check, absl::Time at, absl::Time now, const ContactLimits& limits) {
  if (at == absl::InfinitePast()) {
    check.Add("occurred_at", "is required");
  } else if (at < now - limits.max_past) {
    check.Add("occurred_at", "is too far in the past");
  } else if (at > now + limits.max_future_skew) {
    check.Add("occurred_at", "is in the future");
  }
}

void CheckSurvey(Checker& check, const ContactEvent& e, const ContactLimits& limits) {
  if (e.csat) check.Range("survey_answered.csat", *e.csat, 1, 5);
  if (e.nps) check.Range("survey_answered.nps", *e.nps, 0, 10);
  if (e.csi.size() > limits.max_csi) {
    check.Add("survey_answered.csi", absl::StrCat("must have at most ", limits.max_csi,
                                                  " dimensions"));
  } else {
    bool bad_key = false;
    for (const auto& [key, score] : e.csi) {
      if (!IsLowercaseId(key, "_-") || key.size() > limits.max_csi_key) {
        bad_key = true;  // named once, below: the key is what is wrong, not echoed
      } else {
        check.Range(absl::StrCat("survey_answered.csi[", key, "]"), score, 1, 5);
      }
    }
    if (bad_key) {
      check.Add("survey_answered.csi",
                absl::StrCat("keys must be CSI dimension ids: [a-z0-9][a-z0-9_-]*, at most ",
                             limits.max_csi_key, " characters"));
    }
  }
  if (!e.unsatisfied && !e.csat && !e.nps && e.csi.empty()) {
    check.Add("survey_answered", "at least one answer (unsatisfied, csat, nps, csi) is required");
  }
  check.Text("survey_answered.comment", e.comment, limits.max_text);
}

void CheckDuration(Checker& check, std::string_view field, const std::optional<int64_t>& seconds,
                   int64_t max_seconds) {
  if (!seconds) {
    check.Add(field, "is required");
  } else {
    check.Range(field, *seconds, 0, max_seconds);
  }
}

void CheckPlatform(Checker& check, std::string_view field, Platform platform) {
  const int value = static_cast<int>(platform);
  if (value <= 0 || value > kPlatformMax) check.Add(field, "must be a known platform");
}

void CheckKind(Checker& check, const ContactEvent& e, const ContactLimits& limits) {
  const int64_t max_seconds = absl::ToInt64Seconds(limits.max_duration);
  switch (e.kind) {
    case ContactKind::kUnspecified:
      check.Add("kind", "one event kind is required");
      break;
    case ContactKind::kCallOffered:
      check.Text("call_offered.queue", e.queue, limits.max_short_field);
      break;
    case ContactKind::kCallAnswered:
      CheckDuration(check, "call_answered.wait_seconds", e.wait_seconds, max_seconds);
      break;
    case ContactKind::kCallAbandoned:
      CheckDuration(check, "call_abandoned.wait_seconds", e.wait_seconds, max_seconds);
      break;
    case ContactKind::kCallEnded:
      CheckDuration(check, "call_ended.handle_seconds", e.handle_seconds, max_seconds);
      break;
    case ContactKind::kConsultationCreated:
      // The one-time answer rate is counted by category and agent.
      if (e.category.empty()) check.Add("category", "is required for a consultation");
      if (e.agent.empty()) check.Add("agent", "is required for a consultation");
      check.Text("consultation_created.topic", e.topic, limits.max_short_field);
      break;
    case ContactKind::kConsultationDispatched:
      check.Text("consultation_dispatched.work_order_id", e.work_order_id, limits.max_id);
      break;
    case ContactKind::kSurveyAnswered:
      CheckSurvey(check, e, limits);
      break;
    case ContactKind::kOutageStarted:
      CheckPlatform(check, "outage_started.platform", e.platform);
      check.Text("outage_started.description", e.description, limits.max_text);
      break;
    case ContactKind::kOutageEnded:
      CheckPlatform(check, "outage_ended.platform", e.platform);
      // Absent is fine here: CompleteContactEvent computes it or requires it.
      if (e.outage_seconds) {
        check.Range("outage_ended.outage_seconds", *e.outage_seconds, 1,
                    absl::ToInt64Seconds(limits.max_outage));
      }
      break;
  }
}

}  // namespace

std::string_view ContactKindName(ContactKind kind) {
  static constexpr std::string_view kNames[] = {
      "unspecified",          "call_offered",            "call_answered",
      "call_abandoned",       "call_ended",              "consultation_created",
      "consultation_dispatched", "survey_answered",      "outage_started",
      "outage_ended"};
  const size_t index = static_cast<size_t>(kind);
  return index < std::size(kNames) ? kNames[index] : kNames[0];
}

std::string_view PlatformName(Platform platform) {
  static constexpr std::string_view kNames[] = {
      "PLATFORM_UNSPECIFIED", "PLATFORM_CALL_PLATFORM", "PLATFORM_BACKBONE_NETWORK",
      "PLATFORM_BUSINESS_SUPPORT", "PLATFORM_REGIONAL_SYSTEM"};
  static_assert(std::size(kNames) == kPlatformMax + 1);
  const size_t index = static_cast<size_t>(platform);
  return index < std::size(kNames) ? kNames[index] : kNames[0];
}

absl::Status ValidateContactEvent(const ContactEvent& e, absl::Time now,
                                  const ContactLimits& limits) {
  Checker check;
  check.Text("event_id", e.event_id, limits.max_id);
  check.Text("contact_id", e.contact_id, limits.max_id, /*required=*/true);
  CheckTime(check, e.occurred_at, now, limits);
  check.Text("channel", e.channel, limits.max_short_field);
  CheckDepartmentId(check.violations(), "department", e.department, limits.max_department);
  check.Text("agent", e.agent, limits.max_short_field);
  check.Text("region", e.region, limits.max_short_field);
  check.Text("station", e.station, limits.max_short_field);
  check.Text("line", e.line, limits.max_short_field);
  check.Text("category", e.category, limits.max_short_field);
  CheckKind(check, e, limits);
  return check.Done();
}

}  // namespace sqms::complaints::domain
