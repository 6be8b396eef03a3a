// sqms-metrics against real Redis and devkafka: the dimension cardinality
// bound (domain/cardinality.h) decides alike after a SIGKILL. A partition
// admits a dimension's values in the order its records bring them, up to
// the limit, and folds the rest into "other"; the admitted set is stored
// with every checkpoint, so a restarted replica keeps folding the values it
// folded before and keeps counting the ones it admitted — the per-station
// KPIs are the same as if it had never stopped.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/metrics/metrics_stack.h"

namespace sqms::metrics::it {
namespace {

using testing::Await;

mv1::GetKpiRequest OfferedAt(const std::string& station, absl::Time day) {
  mv1::GetKpiRequest r;
  r.set_kpi("answer_rate");  // denominator: calls offered
  r.mutable_period()->set_size(mv1::WINDOW_SIZE_DAY);
  r.mutable_period()->set_label(DayLabel(day));
  r.set_dimension(station.empty() ? "" : "station");
  r.set_unit(station);
  return r;
}

// Calls offered on `day` in the station `unit` ("" = total; a unit with no
// sample has 0); -1 when the query fails.
int64_t Offered(MetricsStack& stack, const std::string& unit, absl::Time day) {
  mv1::KpiValue v;
  auto stub = stack.Metrics();
  if (!stub->GetKpi(Ctx().get(), OfferedAt(unit, day), &v).ok()) return -1;
  return v.denominator();
}

class MetricsCardinalityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = MetricsStack::Start(
        {.name = "metrics-cardinality", .extra_config = "cardinality: {station: 2}\n"});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }

  // One offered call per station, in this order, all keyed by one contact
  // id: one partition, so the order is the partition's order.
  std::vector<ev::ContactEvent> Offers(const std::vector<std::string>& stations, int first) {
    std::vector<ev::ContactEvent> out;
    for (size_t i = 0; i < stations.size(); ++i) {
      out.push_back(Contact("fold-contact", day_ + absl::Minutes(first + static_cast<int>(i)),
                            "ticketing-center"));
      out.back().set_station(stations[i]);
      out.back().mutable_call_offered();
    }
    return out;
  }

  const absl::Time day_ = DayStart();
  std::unique_ptr<MetricsStack> stack_;
};

TEST_F(MetricsCardinalityTest, AReplicaRestartedAfterSigkillFoldsTheSameValues) {
  // Limit 2: A and B are admitted, C is folded into "other".
  ASSERT_TRUE(stack_->Produce(Offers({"station-a", "station-b", "station-c"}, 0)).ok());
  ASSERT_TRUE(Await([&] { return Offered(*stack_, "", day_) == 3; }, absl::Seconds(60),
                    absl::Milliseconds(100)))
      << "the first three calls were never checkpointed";
  EXPECT_EQ(Offered(*stack_, "station-a", day_), 1);
  EXPECT_EQ(Offered(*stack_, "station-b", day_), 1);
  EXPECT_EQ(Offered(*stack_, "other", day_), 1);

  stack_->KillService();
  ASSERT_TRUE(stack_->StartService().ok());
  // After the restart C and D are still beyond the limit (the admitted set
  // came back with the checkpoint) and A is still admitted. A replica that
  // had forgotten the set would admit C and D and count A under a new set.
  ASSERT_TRUE(stack_->Produce(Offers({"station-c", "station-d", "station-a"}, 10)).ok());
  ASSERT_TRUE(Await([&] { return Offered(*stack_, "", day_) == 6; }, absl::Seconds(180),
                    absl::Milliseconds(200)))
      << "the restarted replica never counted the three later calls";
  EXPECT_EQ(Offered(*stack_, "station-a", day_), 2);
  EXPECT_EQ(Offered(*stack_, "station-b", day_), 1);
  EXPECT_EQ(Offered(*stack_, "other", day_), 3) << "C, C and D";
  EXPECT_EQ(Offered(*stack_, "station-c", day_), 0) << "a folded value counts under no unit of its own";
  EXPECT_EQ(Offered(*stack_, "station-d", day_), 0);
}

}  // namespace
}  // namespace sqms::metrics::it
