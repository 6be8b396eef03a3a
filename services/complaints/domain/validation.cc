#include "services/complaints/domain/validation.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::domain {
namespace {

using runtime::FieldViolation;
using Violations = std::vector<FieldViolation>;

// Code points in valid UTF-8 (callers check validity first).
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); });
}

template <typename Enum>
void CheckEnum(Violations& out, std::string field, Enum value, int max, bool required) {
  int v = static_cast<int>(value);
  if (v < 0 || v > max) {
    out.push_back({std::move(field), absl::StrCat("unknown value ", v)});
  } else if (required && v == 0) {
    out.push_back({std::move(field), "is required"});
  }
}

// Digits with an optional leading '+', single '-' or ' ' between digits;
// 6..20 digits in all.
bool IsValidPhone(std::string_view phone) {
  size_t i = (!phone.empty() && phone[0] == '+') ? 1 : 0;
  int digits = 0;
  bool last_was_digit = false;
  for (; i < phone.size(); ++i) {
    char c = phone[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
      last_was_digit = true;
    } else if ((c == '-' || c == ' ') && last_was_digit && i + 1 < phone.size()) {
      last_was_digit = false;
    } else {
      return false;
    }
  }
  return last_was_digit && digits >= 6 && digits <= 20;
}

bool IsValidEmail(std::string_view email) {
  if (email.size() > 254) return false;
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != email.npos) {
    return false;
  }
  std::string_view domain = email.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == domain.npos || dot == 0 || dot + 2 > domain.size()) return false;
  if (domain.front() == '-' || domain.find("..") != domain.npos) return false;
  for (char c : email) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == ',' || c == ';' || c == '<' || c == '>') return false;
  }
  return true;
}

// 15 digits, or 17 digits and a digit or X (Chinese resident ID).
bool IsValidIdNumber(std::string_view id) {
  if (id.size() != 15 && id.size() != 18) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    bool digit = absl::ascii_isdigit(static_cast<unsigned char>(id[i]));
    bool check_x = i == 17 && (id[i] == 'X' || id[i] == 'x');
    if (!digit && !check_x) return false;
  }
  return true;
}

void CheckComplainant(Violations& out, const Complainant& c, const ValidationLimits& l) {
  if (c.phone.empty() && c.email.empty() && c.id_number.empty()) {
    out.push_back({"complainant", "one of phone, email or id_number is required"});
  }
  CheckText(out, "complainant.name", c.name, l.max_short_field, false);
  if (!c.phone.empty() && !IsValidPhone(c.phone)) {
    out.push_back({"complainant.phone", "must be 6 to 20 digits, optionally starting with +"});
  }
  if (!c.email.empty() && !IsValidEmail(c.email)) {
    out.push_back({"complainant.email", "must look like name@example.com"});
  }
  if (!c.id_number.empty() && !IsValidIdNumber(c.id_number)) {
    out.push_back({"complainant.id_number", "must be 15 or 18 characters (last may be X)"});
  }
  CheckText(out, "complainant.member_number", c.member_number, l.max_short_field, false);
  CheckText(out, "complainant.ticket_number", c.ticket_number, l.max_short_field, false);
}

void CheckLocation(Violations& out, const Location& loc, const ValidationLimits& l) {
  CheckText(out, "location.region", loc.region, l.max_short_field, false);
  CheckText(out, "location.station", loc.station, l.max_short_field, false);
  CheckText(out, "location.line", loc.line, l.max_short_field, false);
  CheckText(out, "location.service_number", loc.service_number, l.max_short_field, false);
}

// Idempotency keys and request ids: printable ASCII, at most the limit.
void CheckRequestId(Violations& out, const std::string& field, std::string_view key,
                    const ValidationLimits& l) {
  if (key.size() > l.max_idempotency_key) {
    out.push_back({field, absl::StrCat("must be at most ", l.max_idempotency_key, " bytes")});
    return;
  }
  for (char c : key) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E) {
      out.push_back({field, "must be printable ASCII without spaces"});
      return;
    }
  }
}

void CheckIdempotencyKey(Violations& out, std::string_view key, const ValidationLimits& l) {
  CheckRequestId(out, "idempotency_key", key, l);
}

}  // namespace

void CheckText(std::vector<runtime::FieldViolation>& out, std::string field,
               std::string_view value, size_t max, bool required) {
  if (!IsValidUtf8(value)) {
    out.push_back({std::move(field), "must be valid UTF-8"});
  } else if (required && IsBlank(value)) {
    out.push_back({std::move(field), "is required"});
  } else if (CodePoints(value) > max) {
    out.push_back({std::move(field), absl::StrCat("must be at most ", max, " characters")});
  }
}

bool IsLowercaseId(std::string_view s, std::string_view extra) {
  auto base = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (s.empty() || !base(s[0])) return false;
  for (char c : s.substr(1)) {
    if (!base(c) && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool IsDepartmentId(std::string_view id, size_t max) {
  return id.size() <= max && IsLowercaseId(id, "-");
}

void CheckDepartmentId(std::vector<runtime::FieldViolation>& out, std::string field,
                       std::string_view value, size_t max) {
  if (value.empty() || IsDepartmentId(value, max)) return;
  out.push_back(
      {std::move(field),
       absl::StrCat("must be a department id: lowercase letters, digits and '-', at most ", max,
                    " characters (e.g. ticketing-center)")});
}

void CheckListedDepartment(std::vector<runtime::FieldViolation>& out, std::string field,
                           std::string_view value, const Triage& triage) {
  if (value.empty() || triage.HasDepartment(value)) return;
  out.push_back(
      {std::move(field),
       absl::StrCat("unknown department \"", std::string(value),
                    "\": not one of the departments of the triage config (departments)")});
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

absl::Status ValidateSubmission(const Submission& s, absl::Time now,
                                const ValidationLimits& limits) {
  Violations out;
  CheckIdempotencyKey(out, s.idempotency_key, limits);
  CheckEnum(out, "channel", s.channel, kChannelMax, true);
  CheckText(out, "title", s.title, limits.max_title, true);
  CheckText(out, "content", s.content, limits.max_content, true);
  CheckComplainant(out, s.complainant, limits);
  CheckLocation(out, s.location, limits);
  if (s.occurred_at) {
    if (*s.occurred_at < now - limits.max_past) {
      out.push_back({"occurred_at", "is too far in the past"});
    } else if (*s.occurred_at > now + limits.max_future_skew) {
      out.push_back({"occurred_at", "is in the future"});
    }
  }
  CheckEnum(out, "category", s.category, kCategoryMax, false);
  CheckEnum(out, "urgency", s.urgency, kLevelMax, false);
  CheckEnum(out, "importance", s.importance, kLevelMax, false);
  return runtime::InvalidArgument(std::move(out));
}

absl::Status ValidateTriageText(const Submission& s, const ValidationLimits& limits) {
  Violations out;
  CheckText(out, "title", s.title, limits.max_title, false);
  CheckText(out, "content", s.content, limits.max_content, false);
  if (s.title.empty() && s.content.empty()) out.push_back({"content", "title or content required"});
  CheckLocation(out, s.location, limits);
  return runtime::InvalidArgument(std::move(out));
}

absl::Status ValidateCommand(const Command& command, const ValidationLimits& limits) {
  Violations out;
  const size_t text = limits.max_content;
  const size_t shortf = limits.max_short_field;
  CheckText(out, "command.note", command.note, text, command.kind == CommandKind::kAddNote);
  CheckRequestId(out, "command.request_id", command.request_id, limits);
  switch (command.kind) {
    case CommandKind::kAssign:
      if (command.department.empty() && command.assignee.empty()) {
        out.push_back({"department", "department or assignee is required"});
      }
      // Stored and published as the complaint's department: the same ids
      // as routing and contact events, or the KPIs split one unit in two.
      CheckDepartmentId(out, "department", command.department, limits.max_department);
      CheckText(out, "assignee", command.assignee, shortf, false);
      break;
    case CommandKind::kResolve:
      CheckText(out, "findings", command.findings, text, true);
      CheckText(out, "root_cause", command.root_cause, text, true);
      CheckText(out, "corrective_action", command.corrective_action, text, true);
      break;
    case CommandKind::kReply: CheckText(out, "message", command.reply, text, true); break;
    case CommandKind::kFollowUp:
      if (command.score < 1 || command.score > 5) {
        out.push_back({"score", "must be between 1 and 5"});
      }
      CheckText(out, "comment", command.comment, text, false);
      break;
    default: break;
  }
  if (command.kind == CommandKind::kReclassify) {
    CheckEnum(out, "category", command.category, kCategoryMax, false);
    CheckEnum(out, "priority", command.priority, kPriorityMax, false);
    if (command.category == Category::kUnspecified && command.priority == Priority::kUnspecified) {
      out.push_back({"category", "category or priority required"});
    }
  }
  return runtime::InvalidArgument(std::move(out));
}

}  // namespace sqms::complaints::domain
