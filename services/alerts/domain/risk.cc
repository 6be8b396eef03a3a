#include "services/alerts/domain/risk.h"

#include "absl/strings/str_cat.h"

namespace sqms::alerts::domain {

int RiskScore(const Risk& risk) { return risk.probability * risk.impact; }

RiskLevel RiskLevelOf(int score) {
  if (score <= 4) return RiskLevel::kLow;
  if (score <= 9) return RiskLevel::kMedium;
  if (score <= 16) return RiskLevel::kHigh;
  // 17–19 are no product of two factors 1–5; anything above 16 is critical.
  return RiskLevel::kCritical;
}

bool NeedsPlan(const Risk& risk) { return RiskLevelOf(RiskScore(risk)) >= RiskLevel::kHigh; }

std::string DescribeLevel(const Risk& risk) {
  const int score = RiskScore(risk);
  return absl::StrCat("risk '", risk.id, "' is ", std::string(RiskLevelName(RiskLevelOf(score))),
                      " (score ", score, ")");
}

std::string_view RiskLevelName(RiskLevel level) {
  switch (level) {
    case RiskLevel::kLow: return "low";
    case RiskLevel::kMedium: return "medium";
    case RiskLevel::kHigh: return "high";
    case RiskLevel::kCritical: return "critical";
  }
  return "low";
}

}  // namespace sqms::alerts::domain
