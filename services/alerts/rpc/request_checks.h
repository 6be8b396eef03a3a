#pragma once
// Checks of AlertService requests that need their proto shape, run by the
// handlers before a request reaches the app. Field paths are relative to
// the request message ("request_id", "labels[region]", "plan.level"). Each
// function reports every problem it finds in one INVALID_ARGUMENT carrying
// field violations (runtime/field_violation.h). Pure, thread-safe.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/map.h"
#include "google/protobuf/message.h"
#include "services/alerts/domain/alert.h"
#include "services/alerts/domain/labels.h"
#include "sqms/alerts/v1/service.pb.h"

namespace sqms::alerts::rpc {

// A request's field name and its string value.
using RequiredField = std::pair<std::string_view, const std::string*>;

// What one string of a request may hold: a request_id, and any other text
// (a comment, note, review, annotation, matcher value, plan text). An
// incident carries its texts into every event on sqms.incidents.v1 and
// every answer, so a megabyte note would make it unreadable to clients
// with gRPC's default 4 MB limit and its events too large for Kafka.
inline constexpr size_t kMaxRequestIdBytes = 128;
inline constexpr size_t kMaxTextBytes = 8192;
// A post-incident review (CloseIncidentRequest.review) is a document, not a
// line: about 10,000 Chinese characters. An incident holds one.
inline constexpr size_t kMaxReviewBytes = 32768;

// runtime::CheckWellFormed(request), every string of it within the sizes
// above (a map value named by its key: "annotations[summary]"), and each
// of `required` non-empty ("is required").
absl::Status CheckRequest(const google::protobuf::Message& request,
                          std::initializer_list<RequiredField> required);

// CheckRequest, and the request's labels map `labels` (field "labels")
// checked label by label with domain::ValidateLabels: a bad label is
// "labels[<name>]", too many — or none, when `labels_required` — "labels".
absl::StatusOr<domain::Labels> CheckWithLabels(
    const google::protobuf::Message& request, std::initializer_list<RequiredField> required,
    const google::protobuf::Map<std::string, std::string>& labels, bool labels_required);

// RaiseAlert's alert: labels required and checked, request_id required;
// id "api|<request_id>", source "api", firing unless status is RESOLVED,
// at = `now`.
absl::StatusOr<domain::Alert> AlertFromRequest(const ::sqms::alerts::v1::RaiseAlertRequest& request,
                                               absl::Time now);

// A list's limit (ListIncidents, ListMutedAlerts): 0 → 100; outside
// 0..1000 INVALID_ARGUMENT "limit".
absl::StatusOr<int> ListLimit(int32_t limit);

}  // namespace sqms::alerts::rpc
