#include "services/alerts/rpc/request_checks.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/alerts/codec/violations.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/well_formed.h"

namespace sqms::alerts::rpc {
namespace {

namespace pb = ::sqms::alerts::v1;
using codec::Violations;

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

Violations Collect(const google::protobuf::Message& request,
                   std::initializer_list<RequiredField> required) {
  Violations out = runtime::FieldViolations(runtime::CheckWellFormed(request));
  for (const auto& [field, value] : required) {
    if (value->empty()) out.push_back({std::string(field), "is required"});
  }
  return out;
}

domain::Labels CollectLabels(const google::protobuf::Map<std::string, std::string>& in,
                             bool required, Violations* violations) {
  domain::Labels labels(in.begin(), in.end());
  if (required && labels.empty()) {
    violations->push_back({"labels", "at least one label is required"});
  }
  // ValidateLabels names only the first problem; one label at a time names
  // every bad label, and the whole set once more catches "too many".
  for (const auto& [name, value] : labels) {
    if (absl::Status s = domain::ValidateLabels({{name, value}}); !s.ok()) {
      violations->push_back({absl::StrCat("labels[", name, "]"),
                             codec::ViolationsOf(s, "labels").front().description});
    }
  }
  if (absl::Status s = domain::ValidateLabels(labels); !s.ok()) {
    codec::Merge({{"labels", codec::ViolationsOf(s, "labels").front().description}}, violations);
  }
  return labels;
}

}  // namespace

absl::Status CheckRequest(const google::protobuf::Message& request,
                          std::initializer_list<RequiredField> required) {
  return runtime::InvalidArgument(Collect(request, required));
}

absl::StatusOr<domain::Labels> CheckWithLabels(
    const google::protobuf::Message& request, std::initializer_list<RequiredField> required,
    const google::protobuf::Map<std::string, std::string>& labels, bool labels_required) {
  Violations violations = Collect(request, required);
  domain::Labels out = CollectLabels(labels, labels_required, &violations);
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));
  return out;
}

absl::StatusOr<domain::Alert> AlertFromRequest(const pb::RaiseAlertRequest& request,
                                               absl::Time now) {
  absl::StatusOr<domain::Labels> labels = CheckWithLabels(
      request, {{"request_id", &request.request_id()}}, request.labels(), /*labels_required=*/true);
  if (!labels.ok()) return labels.status();
  domain::Alert alert;
  alert.id = absl::StrCat("api|", request.request_id());
  alert.source = "api";
  alert.labels = *std::move(labels);
  alert.annotations = domain::Labels(request.annotations().begin(), request.annotations().end());
  alert.firing = request.status() != pb::ALERT_STATUS_RESOLVED;
  alert.drill = request.drill();
  alert.at = now;
  return alert;
}

absl::StatusOr<int> ListLimit(int32_t limit) {
  if (limit == 0) return kDefaultLimit;
  if (limit < 0 || limit > kMaxLimit) {
    return runtime::InvalidArgument(
        {{"limit", absl::StrCat("must be in 0..", kMaxLimit, " (0: ", kDefaultLimit, ")")}});
  }
  return limit;
}

}  // namespace sqms::alerts::rpc
