#pragma once
// The zone the metrics tests are mostly set in (the shipped metrics.yaml's
// time_zone), and a moment of December 2026 in it.

#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace sqms::metrics::testing {

inline absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

// day/hour:minute:second of December 2026, Shanghai time.
inline absl::Time ShanghaiAt(int day, int hour, int minute, int second = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 12, day, hour, minute, second), Shanghai());
}

}  // namespace sqms::metrics::testing
