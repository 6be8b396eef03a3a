#pragma once
// domain ↔ protobuf for triage's explanation (stored with the complaint and
// answered by ExplainTriage). Enum values map by value, as in
// complaint_codec.h.

#include "services/complaints/domain/triage.h"
#include "sqms/complaints/v1/service.pb.h"
#include "sqms/complaints/v1/types.pb.h"

namespace sqms::complaints::codec {

void ToProto(const domain::TriageExplanation& explanation,
             ::sqms::complaints::v1::TriageExplanation* out);
domain::TriageExplanation FromProto(const ::sqms::complaints::v1::TriageExplanation& explanation);

// The ExplainTriage answer: the assessment, its explanation, the SLA policy
// of the priority and the text as the rules saw it.
void ToProto(const domain::Assessment& assessment, const domain::SlaPolicy& policy,
             const std::string& normalized_text,
             ::sqms::complaints::v1::ExplainTriageResponse* out);

}  // namespace sqms::complaints::codec
