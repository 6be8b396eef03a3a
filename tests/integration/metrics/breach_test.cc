// Targets against real Redis, devkafka and two replicas of sqms-metrics:
// a KPI that leaves its target is published to sqms.kpi.v1 once, its
// recovery once, whatever the number of replicas evaluating it.

#include <gtest/gtest.h>

#include "sqms/events/v1/kpi_event.pb.h"
#include "tests/integration/metrics/metrics_stack.h"
#include "tests/support/service_client.h"

namespace sqms::metrics::it {
namespace {

constexpr char kTargets[] =
    "targets:\n"
    "  - {kpi: answer_rate, dimension: department, window: day, threshold: 90,"
    " min_sample: 10, hysteresis: 2}\n";

// `answered` of `calls` answered at `now` in `department`, the others
// abandoned: while the day is open a call counts once it has an outcome.
std::vector<ev::ContactEvent> Calls(const std::string& department, int calls, int answered,
                                    absl::Time now) {
  std::vector<ev::ContactEvent> out;
  for (int i = 0; i < calls; ++i) {
    const std::string id = testing::Unique("breach-call");
    out.push_back(Contact(id, now, department));
    out.back().mutable_call_offered();
    out.push_back(Contact(id, now, department));
    if (i < answered) {
      out.back().mutable_call_answered()->set_wait_seconds(3);
    } else {
      out.back().mutable_call_abandoned()->set_wait_seconds(40);
    }
  }
  return out;
}

std::vector<ev::KpiEvent> KpiEvents(const std::vector<runtime::ConsumedRecord>& records) {
  std::vector<ev::KpiEvent> out;
  for (const auto& r : records) {
    ev::KpiEvent e;
    if (e.ParseFromString(r.value)) out.push_back(e);
  }
  return out;
}

TEST(MetricsBreachTest, ABreachAndItsRecoveryArePublishedOnceByTwoReplicas) {
  auto stack = MetricsStack::Start({.name = "metrics-breach", .extra_config = kTargets});
  ASSERT_TRUE(stack.ok()) << stack.status();
  ASSERT_TRUE((*stack)->StartService(1).ok());  // a second replica evaluates too
  testing::TopicReader topic((*stack)->kafka().bootstrap(), "sqms.kpi.v1");

  // The service judges the day its clock is in: the whole test stays in
  // the day it dates the calls in.
  const absl::Time now = NowWithRoomInDay(absl::Minutes(2));
  // 20 calls, 15 answered: 75 % < 90 % with 20 ≥ 10 in the sample.
  ASSERT_TRUE((*stack)->Produce(Calls("ticketing-center", 20, 15, now)).ok());
  auto records = topic.ReadAtLeast(1, absl::Seconds(60));
  ASSERT_EQ(records.size(), 1u);
  ev::KpiEvent breach = KpiEvents(records)[0];
  EXPECT_EQ(breach.type(), ev::KPI_EVENT_TYPE_BREACHED);
  EXPECT_EQ(breach.kpi(), "answer_rate");
  EXPECT_EQ(breach.unit(), "ticketing-center");
  // Decided on what was checkpointed when it was evaluated: at least the
  // minimum sample, and below the target.
  EXPECT_LT(breach.value(), 90.0);
  EXPECT_GE(breach.sample(), 10);
  EXPECT_EQ(records[0].key, "answer_rate|department|ticketing-center");
  EXPECT_EQ(records[0].Header("ce_type").value_or(""), "sqms.kpi.v1.breached");

  // 20 more, all answered: 35 / 40 = 87.5 % — better, but within the
  // hysteresis of the threshold: no recovery yet.
  ASSERT_TRUE((*stack)->Produce(Calls("ticketing-center", 20, 20, now)).ok());
  // 60 more answered: 95 / 100 = 95 % ≥ 90 + 2: recovered, once.
  ASSERT_TRUE((*stack)->Produce(Calls("ticketing-center", 60, 60, now)).ok());
  records = topic.ReadAtLeast(2, absl::Seconds(60));
  ASSERT_GE(records.size(), 2u);
  std::vector<ev::KpiEvent> events = KpiEvents(records);
  EXPECT_EQ(events[1].type(), ev::KPI_EVENT_TYPE_RECOVERED);
  EXPECT_GE(events[1].value(), 92.0) << "recovered only past the hysteresis";

  // Several more evaluation rounds of both replicas publish nothing more.
  ev::ContactEvent marker = Contact("breach-marker", now, "customer-service");
  marker.mutable_call_offered();
  ASSERT_TRUE((*stack)->Produce({marker}).ok());
  records = topic.ReadUntil([](const auto&) { return false; }, absl::Seconds(2));
  EXPECT_EQ(records.size(), 2u) << "a breach or recovery was published twice";

  // ListBreaches answers what was published, newest first.
  mv1::ListBreachesRequest request;
  request.set_kpi("answer_rate");
  mv1::ListBreachesResponse listed;
  auto stub = (*stack)->Metrics(1);
  ASSERT_TRUE(stub->ListBreaches(Ctx().get(), request, &listed).ok());
  ASSERT_EQ(listed.events_size(), 2);
  EXPECT_EQ(listed.events(0).type(), ev::KPI_EVENT_TYPE_RECOVERED);
  EXPECT_EQ(listed.events(1).event_id(), breach.event_id());
  request.set_limit(1001);
  grpc::Status refused = stub->ListBreaches(Ctx().get(), request, &listed);
  EXPECT_EQ(testing::ViolationFields(refused), std::vector<std::string>{"limit"});
  request.set_limit(0);
  request.set_kpi("answer_rat");
  grpc::Status misspelt = stub->ListBreaches(Ctx().get(), request, &listed);
  EXPECT_EQ(misspelt.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << misspelt.error_message();
  EXPECT_EQ(testing::ViolationFields(misspelt), std::vector<std::string>{"kpi"});
}

}  // namespace
}  // namespace sqms::metrics::it
