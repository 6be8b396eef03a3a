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

void CheckText(const std::string& value, const std::string& path, size_t max, Violations& out) {
  if (value.size() > max) {
    out.push_back({path, absl::StrCat("must be at most ", max, " bytes (has ", value.size(), ")")});
  }
}

// Every string of `m` (nested messages and map values too) within
// kMaxTextBytes, a request_id within kMaxRequestIdBytes, a review within
// kMaxReviewBytes.
void CheckTextSizes(const google::protobuf::Message& m, const std::string& prefix,
                    Violations& out) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string path = prefix + f->name();
    const size_t max = f->name() == "request_id" ? kMaxRequestIdBytes
                       : f->name() == "review"   ? kMaxReviewBytes
                                                 : kMaxTextBytes;
    if (f->is_map()) {  // key (1), value (2); named by its key, as labels are
      const FieldDescriptor* key = f->message_type()->map_key();
      const FieldDescriptor* value = f->message_type()->map_value();
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        const google::protobuf::Message& entry = r->GetRepeatedMessage(m, f, i);
        const google::protobuf::Reflection* er = entry.GetReflection();
        if (key->cpp_type() != FieldDescriptor::CPPTYPE_STRING) continue;
        const std::string k = er->GetString(entry, key);
        CheckText(k, absl::StrCat(path, "[", k.substr(0, 64), "]"), kMaxTextBytes, out);
        if (value->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          CheckText(er->GetString(entry, value), absl::StrCat(path, "[", k.substr(0, 64), "]"),
                    kMaxTextBytes, out);
        } else if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          CheckTextSizes(er->GetMessage(entry, value),
                         absl::StrCat(path, "[", k.substr(0, 64), "]."), out);
        }
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
               f->type() == FieldDescriptor::TYPE_STRING) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          CheckText(r->GetRepeatedString(m, f, i), absl::StrCat(path, "[", i, "]"), max, out);
        }
      } else {
        CheckText(r->GetString(m, f), path, max, out);
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          CheckTextSizes(r->GetRepeatedMessage(m, f, i), absl::StrCat(path, "[", i, "]."), out);
        }
      } else {
        CheckTextSizes(r->GetMessage(m, f), path + ".", out);
      }
    }
  }
}

Violations Collect(const google::protobuf::Message& request,
                   std::initializer_list<RequiredField> required) {
  Violations out = runtime::FieldViolations(runtime::CheckWellFormed(request));
  CheckTextSizes(request, "", out);
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
