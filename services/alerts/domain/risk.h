#pragma once
// Risk assessment (requirements.md §3.1): probability and impact, each 1–5,
// give a score and a level on the usual 5×5 matrix.

#include <string>
#include <string_view>

namespace sqms::alerts::domain {

enum class RiskLevel { kLow, kMedium, kHigh, kCritical };

struct Risk {
  std::string id;    // [a-z0-9][a-z0-9-]*
  std::string name;
  int probability = 1;  // 1 rare … 5 almost certain
  int impact = 1;       // 1 negligible … 5 catastrophic
};

int RiskScore(const Risk& risk);              // probability × impact, 1–25
// low 1–4, medium 5–9, high 10–16, critical 20–25.
RiskLevel RiskLevelOf(int score);
std::string_view RiskLevelName(RiskLevel level);  // "low", "medium", "high", "critical"

// requirements.md §3.1: the product decides which risks get a plan — a
// high or critical risk must have one (a plan whose risk_id names it);
// medium and low ones need none.
bool NeedsPlan(const Risk& risk);
// "risk 'mass-delay' is critical (score 20)".
std::string DescribeLevel(const Risk& risk);

}  // namespace sqms::alerts::domain
