#include "sqms/runtime/field_violation.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_join.h"

namespace sqms::runtime {
namespace {
// Payload type URL; the value is "field\tdescription" lines.
constexpr char kViolationsUrl[] = "type.googleapis.com/google.rpc.BadRequest";
}  // namespace

absl::Status WithFieldViolations(absl::Status status,
                                 const std::vector<FieldViolation>& violations) {
  std::string payload;
  for (const auto& v : violations) payload += v.field + '\t' + v.description + '\n';
  if (!payload.empty()) status.SetPayload(kViolationsUrl, absl::Cord(payload));
  return status;
}

absl::Status InvalidArgument(std::vector<FieldViolation> violations) {
  if (violations.empty()) return absl::OkStatus();
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field + ": " + v.description);
  return WithFieldViolations(absl::InvalidArgumentError(absl::StrJoin(fields, "; ")), violations);
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kViolationsUrl);
  if (!payload) return out;
  std::string text(*payload);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    size_t tab = line.find('\t');
    if (tab != std::string::npos) out.push_back({line.substr(0, tab), line.substr(tab + 1)});
    pos = end + 1;
  }
  return out;
}

}  // namespace sqms::runtime
