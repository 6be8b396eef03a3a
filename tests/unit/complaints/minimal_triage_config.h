#pragma once
// The smallest valid triage config, for config tests. Its calendar section
// comes last, so a test may append calendar keys.

namespace sqms::complaints::testing {

inline constexpr char kMinimalTriageConfig[] = R"(categories:
  - {name: safety, keywords: [fire], importance: high}
departments:
  - {id: customer-service, name: 客服中心}
sla:
  P1: {first_response: 30m, resolution: 4h, follow_up: 1d, clock: 24x7}
  P2: {first_response: 2h, resolution: 1d, follow_up: 2d}
  P3: {first_response: 4h, resolution: 3d, follow_up: 3d}
  P4: {first_response: 1d, resolution: 5d, follow_up: 5d}
calendar:
  time_zone: Asia/Shanghai
  hours: {mon: "08:30-18:00"}
)";

}  // namespace sqms::complaints::testing
