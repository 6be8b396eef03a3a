// Human renderings of triage decisions for sqmsctl (get, triage explain).
// Pure.
#pragma once

#include <string>

#include "sqms/complaints/v1/service.pb.h"
#include "sqms/complaints/v1/types.pb.h"

namespace sqms::tools {

// Lines such as
//   rule:       decisive (safety wins with any evidence)
//   scores:     safety 6 = 冒烟 3 + smoke 3; hygiene 0 = 烟头 1 (negated by 不是)
//   signals:    urgent_wording "马上" → urgency
//   model:      safety 91%, hygiene 4%, other 2%
//   urgency:    high (signal:urgent_wording); importance: high (category)
//   priority:   p1 (safety is always P1)
//   routed by:  category=safety station=北京南
//   config:     3f2a9c1b7d4e
// each prefixed by `indent`.
std::string TriageExplanationText(const complaints::v1::TriageExplanation& explanation,
                                  const std::string& indent);

// The whole ExplainTriage answer: outcome, SLA policy, explanation and the
// normalised text.
std::string ExplainTriageText(const complaints::v1::ExplainTriageResponse& response);

}  // namespace sqms::tools
