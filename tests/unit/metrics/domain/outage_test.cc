#include "services/metrics/domain/outage.h"

#include <gtest/gtest.h>

#include <map>

#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/kpi.h"
#include "services/metrics/domain/window.h"
#include "tests/unit/metrics/shanghai.h"

namespace sqms::metrics::domain {
namespace {

using testing::Shanghai;
using testing::ShanghaiAt;

Event OutageEndedAt(absl::Time end, int64_t seconds) {
  Event e;
  e.id = "ev-1";
  e.occurred_at = end;
  e.dimensions.department = "network-operations";
  e.body = OutageEnded{.platform = "call_platform", .outage_seconds = seconds};
  return e;
}

// The outage seconds each window of `size` gets from `events`.
std::map<absl::Time, int64_t> OutageBy(const std::vector<Event>& events, WindowSize size) {
  std::map<absl::Time, int64_t> out;
  for (const Event& e : events) {
    for (const Increment& inc : Contributions(e, {})) {
      if (inc.counter == Counter::kOutageSeconds) {
        out[WindowOf(e.occurred_at, size, Shanghai()).start] += inc.by;
      }
    }
  }
  return out;
}

TEST(SpreadOutageTest, AnOutageAcrossMidnightCountsInBothDays) {
  // 23:00 on the 1st to 01:00 on the 2nd: an hour in each day.
  auto pieces = SpreadOutage(OutageEndedAt(ShanghaiAt(2, 1, 0), 7200), Shanghai());
  ASSERT_TRUE(pieces.ok()) << pieces.status();
  EXPECT_EQ(
      OutageBy(*pieces, WindowSize::kDay),
      (std::map<absl::Time, int64_t>{{ShanghaiAt(1, 0, 0), 3600}, {ShanghaiAt(2, 0, 0), 3600}}));
  EXPECT_EQ(
      OutageBy(*pieces, WindowSize::kHour),
      (std::map<absl::Time, int64_t>{{ShanghaiAt(1, 23, 0), 3600}, {ShanghaiAt(2, 0, 0), 3600}}));
  // So the day's reliability is (1 − 3,600 / 4 platforms × 86,400 s) on both days.
  const KpiDefinition* reliability = FindKpi("system_reliability");
  CounterValues day{};
  day[static_cast<size_t>(Counter::kOutageSeconds)] =
      OutageBy(*pieces, WindowSize::kDay)[ShanghaiAt(1, 0, 0)];
  Bases bases;
  bases.scheduled_seconds = 4 * 86400;
  EXPECT_NEAR(*Compute(*reliability, day, bases).value, 98.958, 0.001);
}

TEST(SpreadOutageTest, EachMinuteGetsAtMostItsOwnSecondsAndThePiecesAddUp) {
  // 10:00:30 to 10:03:10, ended with a fraction of a second (floored).
  auto pieces = SpreadOutage(OutageEndedAt(ShanghaiAt(3, 10, 3, 10) + absl::Milliseconds(700), 160),
                             Shanghai());
  ASSERT_TRUE(pieces.ok()) << pieces.status();
  EXPECT_EQ(OutageBy(*pieces, WindowSize::kMinute),
            (std::map<absl::Time, int64_t>{{ShanghaiAt(3, 10, 0), 30},
                                           {ShanghaiAt(3, 10, 1), 60},
                                           {ShanghaiAt(3, 10, 2), 60},
                                           {ShanghaiAt(3, 10, 3), 10}}));
  for (const Event& piece : *pieces) {
    EXPECT_EQ(piece.id, "ev-1");
    EXPECT_EQ(piece.dimensions.department, "network-operations");
    EXPECT_EQ(std::get<OutageEnded>(piece.body).platform, "call_platform");
  }
  EXPECT_EQ(pieces->front().occurred_at, ShanghaiAt(3, 10, 0, 30));
}

TEST(SpreadOutageTest, OtherEventsAndEmptyOutagesPassUnchanged) {
  Event call = OutageEndedAt(ShanghaiAt(3, 10, 0), 0);
  auto same = SpreadOutage(call, Shanghai());
  ASSERT_TRUE(same.ok());
  ASSERT_EQ(same->size(), 1u);
  EXPECT_EQ(same->front().occurred_at, ShanghaiAt(3, 10, 0));
  call.body = CallOffered{};
  same = SpreadOutage(call, Shanghai());
  ASSERT_TRUE(same.ok());
  ASSERT_EQ(same->size(), 1u);
  EXPECT_TRUE(std::holds_alternative<CallOffered>(same->front().body));
}

TEST(SpreadOutageTest, AnOutageLongerThanTheBoundIsRefusedNamingTheField) {
  auto refused = SpreadOutage(
      OutageEndedAt(ShanghaiAt(3, 10, 0), absl::ToInt64Seconds(kMaxOutage) + 1), Shanghai());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("outage_ended.outage_seconds"), std::string::npos)
      << refused.status();
}

}  // namespace
}  // namespace sqms::metrics::domain
