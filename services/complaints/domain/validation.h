#pragma once
// Input checks for every field (requirements: bad input → INVALID_ARGUMENT
// naming the field). Returns OK or INVALID_ARGUMENT carrying one
// FieldViolation per bad field (sqms/runtime/field_violation.h); field names
// are proto paths of the API ("complainant.phone").

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/complaints/domain/lifecycle.h"
#include "services/complaints/domain/model.h"
#include "services/complaints/domain/triage.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {

struct ValidationLimits {
  size_t max_title = 200;           // characters (UTF-8 code points)
  size_t max_content = 8000;
  size_t max_short_field = 128;      // names, stations, filters ...
  size_t max_department = 64;        // department ids (IsDepartmentId)
  size_t max_idempotency_key = 128;  // also lifecycle request ids
  absl::Duration max_past = absl::Hours(24 * 365);  // occurred_at no older
  absl::Duration max_future_skew = absl::Minutes(5);
};

// Required: channel, title, content, one of phone/email/id_number. Every
// string valid UTF-8 and within its limit; phone (digits, optional +, 6..20
// digits, single '-' or ' ' allowed between digits: 010-12345678),
// email (local@domain.tld), id_number (15 or 18 chars, last may be X);
// enums within range; occurred_at within [now - max_past, now + skew].
absl::Status ValidateSubmission(const Submission& submission, absl::Time now,
                                const ValidationLimits& limits = {});

// ExplainTriage's input: title and/or content (at least one), location;
// the same limits as a submission.
absl::Status ValidateTriageText(const Submission& submission, const ValidationLimits& limits = {});

// Payload checks per command kind (assign needs department or assignee, a
// department given is a department id (CheckDepartmentId; that it is a
// listed one is Apply's CheckListedDepartment, which needs the triage),
// resolve needs findings/root_cause/corrective_action, reply a message,
// follow-up score 1..5, add_note needs a note); note and text lengths; valid
// UTF-8. Field names as in the API: "department", "assignee", "findings",
// "root_cause", "corrective_action", "message", "score", "comment",
// "command.note", "command.request_id" (rpc/request_checks.h rebases the
// "command." ones to "note", "request_id" when the request is a bare
// LifecycleRequest). Apply() repeats only the required-field checks.
absl::Status ValidateCommand(const Command& command, const ValidationLimits& limits = {});

bool IsValidUtf8(std::string_view s);

// Whether `s` is [a-z0-9] followed by [a-z0-9] or characters of `extra`:
// the form of the API's ids (department ids; CSI dimension ids with "_-").
bool IsLowercaseId(std::string_view s, std::string_view extra);

// Whether `id` has the form of a department id — the one vocabulary of
// complaints (AssignComplaint), contact events and triage.yaml's routing,
// never a display name ("票务中心"): [a-z0-9][a-z0-9-]*, at most `max` bytes.
bool IsDepartmentId(std::string_view id, size_t max = ValidationLimits{}.max_department);

// A department field's check: when `value` is not empty and not a department
// id (IsDepartmentId), appends the violation for `field` to `out`.
void CheckDepartmentId(std::vector<runtime::FieldViolation>& out, std::string field,
                       std::string_view value, size_t max = ValidationLimits{}.max_department);

// A department field's membership check — the one place a department a
// request names is held against the service's list (triage.yaml
// `departments`, Triage::HasDepartment): when `value` is not empty and not
// one of `triage`'s departments, appends a violation for `field` that names
// the value. Callers run CheckDepartmentId first and stop at its violation,
// so a malformed id is reported for its form, once.
void CheckListedDepartment(std::vector<runtime::FieldViolation>& out, std::string field,
                           std::string_view value, const Triage& triage);

// A text field's check: valid UTF-8, at most `max` code points, and — when
// `required` — not blank; appends the violation for `field` to `out`.
void CheckText(std::vector<runtime::FieldViolation>& out, std::string field,
               std::string_view value, size_t max, bool required);

}  // namespace sqms::complaints::domain
