#include "services/complaints/rpc/request_checks.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/complaints/domain/validation.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/well_formed.h"

namespace sqms::complaints::rpc {
namespace {

using runtime::FieldViolation;
using Violations = std::vector<FieldViolation>;

constexpr size_t kMaxFilterText = 128;
constexpr size_t kMaxFilterPhone = 64;

template <typename Repeated>
void NoUnspecified(const std::string& path, const Repeated& values, Violations& out) {
  for (int i = 0; i < values.size(); ++i) {
    if (values.Get(i) == 0) out.push_back({absl::StrCat(path, "[", i, "]"), "must be specified"});
  }
}

}  // namespace

absl::Status CheckFilter(const ::sqms::complaints::v1::ComplaintFilter& f,
                         const std::string& prefix) {
  Violations out = runtime::FieldViolations(runtime::CheckWellFormed(f, prefix));
  if (out.empty()) {
    NoUnspecified(prefix + "statuses", f.statuses(), out);
    NoUnspecified(prefix + "categories", f.categories(), out);
    NoUnspecified(prefix + "priorities", f.priorities(), out);
    if (f.has_created_after() && f.has_created_before()) {
      const auto& a = f.created_after();
      const auto& b = f.created_before();
      if (a.seconds() > b.seconds() || (a.seconds() == b.seconds() && a.nanos() >= b.nanos())) {
        out.push_back({prefix + "created_before", "must be after created_after"});
      }
    }
  }
  domain::CheckText(out, prefix + "department", f.department(), kMaxFilterText, /*required=*/false);
  domain::CheckText(out, prefix + "region", f.region(), kMaxFilterText, /*required=*/false);
  domain::CheckText(out, prefix + "station", f.station(), kMaxFilterText, /*required=*/false);
  // assignee "me" is the caller, resolved by the handler.
  domain::CheckText(out, prefix + "assignee", f.assignee(), kMaxFilterText, /*required=*/false);
  domain::CheckText(out, prefix + "complainant_phone", f.complainant_phone(), kMaxFilterPhone,
                    /*required=*/false);
  domain::CheckText(out, prefix + "incident_id", f.incident_id(), kMaxFilterText,
                    /*required=*/false);
  return runtime::InvalidArgument(std::move(out));
}

absl::Status RebaseCommandPaths(const absl::Status& status, bool wrapped) {
  std::vector<FieldViolation> violations = runtime::FieldViolations(status);
  if (violations.empty()) return status;
  for (FieldViolation& v : violations) {
    std::string base = v.field;
    if (absl::StartsWith(base, "command.")) base = base.substr(8);
    if (base == "id" || base == "expected_version" || base == "note" || base == "request_id") {
      v.field = wrapped ? "command." + base : base;
    }
  }
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    return runtime::InvalidArgument(std::move(violations));
  }
  return runtime::WithFieldViolations(absl::Status(status.code(), status.message()), violations);
}

}  // namespace sqms::complaints::rpc
