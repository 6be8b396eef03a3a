#pragma once
// Label matchers (plans' triggers, silences) <-> sqms.alerts.v1.Matcher.

#include <string>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "services/alerts/codec/violations.h"
#include "services/alerts/domain/labels.h"
#include "sqms/alerts/v1/service.pb.h"

namespace sqms::alerts::codec {

void MatcherToProto(const domain::Matcher& matcher, ::sqms::alerts::v1::Matcher* out);

// The matchers of `in`, each checked; a bad one is reported under
// `path`[i] and its field: ".label" (not a label name), ".op" (not =, !=,
// =~, !~) or ".value" (a regex RE2 does not compile). When one is bad the
// answer is empty, so that checks of the list (the domain's, by index)
// never see it shifted; they run again once the list is mended.
std::vector<domain::Matcher> MatchersFromProto(
    const google::protobuf::RepeatedPtrField<::sqms::alerts::v1::Matcher>& in,
    const std::string& path, Violations* violations);

}  // namespace sqms::alerts::codec
