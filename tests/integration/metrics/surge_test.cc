// Surges against real Redis, devkafka and two replicas of sqms-metrics:
// complaints of the same hour in the previous weeks make the baseline; a
// burst in the open hour over factor × baseline is published to
// sqms.kpi.v1 once, whatever the number of replicas evaluating it.

#include <gtest/gtest.h>

#include "sqms/events/v1/kpi_event.pb.h"
#include "tests/integration/metrics/metrics_stack.h"
#include "tests/support/service_client.h"

namespace sqms::metrics::it {
namespace {

using testing::Await;

// Baseline: 2 weeks; threshold max(5, 2 × mean).
constexpr char kSurges[] =
    "surges:\n"
    "  - {kpi: complaint_volume, dimension: department, window: hour, weeks: 2, factor: 2,"
    " min_count: 5}\n";

constexpr char kDepartment[] = "billing-center";

// `n` complaints submitted at `at` in kDepartment.
std::vector<ev::ComplaintEvent> Submitted(int n, absl::Time at) {
  std::vector<ev::ComplaintEvent> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(Complaint(testing::Unique("surge-complaint"), ev::COMPLAINT_EVENT_TYPE_SUBMITTED,
                            at, kDepartment));
  }
  return out;
}

std::string HourLabel(absl::Time t) {
  absl::TimeZone zone;
  absl::LoadTimeZone(kZone, &zone);
  return absl::FormatTime("%Y-%m-%dT%H", t, zone);
}

// Awaits the complaint volume of kDepartment in the hour of `at` reaching `count`.
bool AwaitVolume(MetricsStack& stack, absl::Time at, int64_t count) {
  mv1::GetKpiRequest request;
  request.set_kpi("complaint_volume");
  request.mutable_period()->set_size(mv1::WINDOW_SIZE_HOUR);
  request.mutable_period()->set_label(HourLabel(at));
  request.set_dimension("department");
  request.set_unit(kDepartment);
  return Await([&] {
    mv1::KpiValue v;
    return stack.Metrics()->GetKpi(Ctx().get(), request, &v).ok() && v.denominator() >= count;
  }, absl::Seconds(30), absl::Milliseconds(100));
}

TEST(MetricsSurgeTest, ABurstOverTheSameHourOfPreviousWeeksIsPublishedOnceByTwoReplicas) {
  auto stack = MetricsStack::Start({.name = "metrics-surge", .extra_config = kSurges});
  ASSERT_TRUE(stack.ok()) << stack.status();
  ASSERT_TRUE((*stack)->StartService(1).ok());  // a second replica evaluates too
  testing::TopicReader topic((*stack)->kafka().bootstrap(), "sqms.kpi.v1");

  // The same hour 1 and 2 weeks ago: 3 and 5 complaints, a baseline of 4,
  // so the open hour surges at 2 × 4 = 8. Counted before the burst arrives.
  // The service evaluates the hour its clock is in: the whole test (about
  // 15 s; 30 s under the sanitizers) stays in the hour it dates events in.
  const absl::Time now = NowWithRoomInHour(absl::Minutes(2));
  for (auto [weeks, n] : {std::pair{1, 3}, std::pair{2, 5}}) {
    const absl::Time then = now - absl::Hours(24 * 7) * weeks;
    ASSERT_TRUE((*stack)->Produce(Submitted(n, then)).ok());
    ASSERT_TRUE(AwaitVolume(**stack, then, n)) << weeks << " weeks ago";
  }
  // 7 now: over min_count, under the threshold — nothing yet.
  ASSERT_TRUE((*stack)->Produce(Submitted(7, now)).ok());
  ASSERT_TRUE(AwaitVolume(**stack, now, 7));
  // 5 more: 12 ≥ 8, a surge.
  ASSERT_TRUE((*stack)->Produce(Submitted(5, now)).ok());
  auto records = topic.ReadAtLeast(1, absl::Seconds(60));
  ASSERT_EQ(records.size(), 1u);
  ev::KpiEvent surge;
  ASSERT_TRUE(surge.ParseFromString(records[0].value));
  EXPECT_EQ(surge.type(), ev::KPI_EVENT_TYPE_SURGE);
  EXPECT_EQ(surge.kpi(), "complaint_volume");
  EXPECT_EQ(surge.dimension(), "department");
  EXPECT_EQ(surge.unit(), kDepartment);
  EXPECT_EQ(surge.window(), "hour");
  EXPECT_EQ(surge.period(), HourLabel(now));
  EXPECT_GE(surge.value(), 8.0);
  EXPECT_DOUBLE_EQ(surge.baseline(), 4.0);
  EXPECT_EQ(surge.baseline_weeks(), 2);
  EXPECT_DOUBLE_EQ(surge.threshold(), 8.0);
  EXPECT_DOUBLE_EQ(surge.factor(), 2.0);
  EXPECT_EQ(records[0].key, "complaint_volume|department|billing-center");
  EXPECT_EQ(records[0].Header("ce_type").value_or(""), "sqms.kpi.v1.surge");

  // More complaints and more evaluation rounds of both replicas, and a
  // restarted replica, publish nothing more in this hour.
  ASSERT_TRUE((*stack)->Produce(Submitted(10, now)).ok());
  ASSERT_TRUE(AwaitVolume(**stack, now, 22));
  (*stack)->KillService(0);
  ASSERT_TRUE((*stack)->StartService(0).ok());
  records = topic.ReadUntil([](const auto&) { return false; }, absl::Seconds(3));
  EXPECT_EQ(records.size(), 1u) << "a surge was published twice";
}

}  // namespace
}  // namespace sqms::metrics::it
