#include "services/alerts/codec/violations.h"

#include <utility>

namespace sqms::alerts::codec {
namespace {

// `child` lies inside `parent`: "a.b[1].c" inside "a.b" and "a.b[1]".
bool Inside(std::string_view child, std::string_view parent) {
  return child.size() > parent.size() && child.starts_with(parent) &&
         (child[parent.size()] == '.' || child[parent.size()] == '[');
}

}  // namespace

Violations ViolationsOf(const absl::Status& status, std::string_view fallback_field) {
  Violations carried = runtime::FieldViolations(status);
  if (!carried.empty()) return carried;
  const std::string message(status.message());
  const size_t colon = message.find(": ");
  if (colon != std::string::npos && colon > 0 &&
      message.find(' ') == colon + 1) {  // no space inside the field
    return {{message.substr(0, colon), message.substr(colon + 2)}};
  }
  return {{std::string(fallback_field), message}};
}

bool Overlaps(const Violations& violations, std::string_view field) {
  for (const runtime::FieldViolation& v : violations) {
    if (v.field == field || Inside(v.field, field) || Inside(field, v.field)) return true;
  }
  return false;
}

void Merge(Violations more, Violations* out) {
  for (runtime::FieldViolation& v : more) {
    if (!Overlaps(*out, v.field)) out->push_back(std::move(v));
  }
}

}  // namespace sqms::alerts::codec
