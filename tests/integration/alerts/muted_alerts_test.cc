// Kept muted alerts through the real binary: a complaint event from Kafka
// (delivered once) muted by a silence is kept in Redis across a SIGKILL
// and opens its incident when the silence is expired; ListMutedAlerts
// shows a raised alert a silence holds, until it is decided again.

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

std::vector<av1::Incident> SafetyIncidents(av1::AlertService::Stub& stub) {
  return Incidents(stub, "safety");
}

// ListMutedAlerts with `request`; empty on an error (the caller awaits).
std::vector<av1::MutedAlert> Muted(av1::AlertService::Stub& stub,
                                   const av1::ListMutedAlertsRequest& request) {
  av1::ListMutedAlertsResponse response;
  if (!stub.ListMutedAlerts(Ctx().get(), request, &response).ok()) return {};
  return {response.alerts().begin(), response.alerts().end()};
}

bool Scraped(const AlertsStack& stack, const std::string& series) {
  return stack.ScrapeMetrics().find(series) != std::string::npos;
}

TEST(AlertsMutedTest, AMutedEventIsKeptAcrossAKillAndOpensWhenItsSilenceIsExpired) {
  auto stack = AlertsStack::Start({.name = "alerts-muted", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  absl::StatusOr<av1::Silence> created =
      Silence(*stub, "station", "beijing-south", "platform works");
  ASSERT_TRUE(created.ok()) << created.status();
  av1::Silence silence = *created;

  ASSERT_TRUE((*stack)->Produce({Submitted("C-1", "safety", 1, "beijing-south")}).ok());
  ASSERT_TRUE(testing::Await(
      [&] { return Scraped(**stack, "sqms_alerts_decisions_total{outcome=\"silenced\"} 1"); },
      absl::Seconds(30)));
  EXPECT_TRUE(Scraped(**stack, "sqms_alerts_muted_kept 1"));
  EXPECT_TRUE(SafetyIncidents(*stub).empty());

  // The event is committed and never comes again; the kept alert is in Redis.
  (*stack)->KillService();
  ASSERT_TRUE((*stack)->StartService().ok());
  stub = (*stack)->Alerts();
  EXPECT_TRUE(Scraped(**stack, "sqms_alerts_muted_kept 1"));
  EXPECT_TRUE(SafetyIncidents(*stub).empty());

  av1::ExpireSilenceRequest expire;
  expire.set_id(silence.id());
  ASSERT_TRUE(stub->ExpireSilence(Ctx().get(), expire, &silence).ok());
  std::vector<av1::Incident> opened;
  ASSERT_TRUE(testing::Await([&] { return (opened = SafetyIncidents(*stub)).size() == 1; },
                             absl::Seconds(30)))
      << "the kept event opens its incident once the silence ended";
  EXPECT_EQ(opened[0].labels().at("station"), "beijing-south");
  ASSERT_TRUE(testing::Await([&] { return !(*stack)->Pages(opened[0].id(), "triggered").empty(); },
                             absl::Seconds(10)));
  EXPECT_TRUE(testing::Await([&] { return Scraped(**stack, "sqms_alerts_muted_kept 0"); },
                             absl::Seconds(10)));
  EXPECT_EQ(SafetyIncidents(*stub).size(), 1u) << "decided once";
}

TEST(AlertsMutedTest, ListMutedAlertsShowsARaisedAlertItsSilenceHoldsUntilItIsDecidedAgain) {
  auto stack = AlertsStack::Start({.name = "alerts-muted-list", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  absl::StatusOr<av1::Silence> created = Silence(*stub, "case", "muted-list", "planned work");
  ASSERT_TRUE(created.ok()) << created.status();
  av1::Silence silence = *created;
  auto raised = Raise(*stub, {{"alertname", "PageTest"}, {"case", "muted-list"}});
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(raised->decisions_size(), 1);
  ASSERT_EQ(raised->decisions(0).outcome(), av1::OUTCOME_SILENCED);

  av1::ListMutedAlertsRequest by_silence;
  by_silence.set_silence_id(silence.id());
  std::vector<av1::MutedAlert> kept = Muted(*stub, by_silence);
  ASSERT_EQ(kept.size(), 1u) << "RaiseAlert is one call per alert: it is kept";
  EXPECT_EQ(kept[0].fingerprint(), raised->fingerprint());
  EXPECT_EQ(kept[0].labels().at("case"), "muted-list");
  EXPECT_EQ(kept[0].source(), "api");
  EXPECT_TRUE(kept[0].has_kept_at());
  ASSERT_EQ(kept[0].mutes_size(), 1);
  EXPECT_EQ(kept[0].mutes(0).plan_id(), "page");
  EXPECT_EQ(kept[0].mutes(0).silence_id(), silence.id());
  EXPECT_EQ(kept[0].mutes(0).inhibited_by(), "");
  av1::ListMutedAlertsRequest other;
  other.set_silence_id("sil-none");
  EXPECT_TRUE(Muted(*stub, other).empty());

  // A second alert the silence holds: the answer stops at `limit`, and
  // `matched` counts every alert that matched.
  auto second = Raise(*stub, {{"alertname", "PageTest"}, {"case", "muted-list"}, {"part", "2"}});
  ASSERT_TRUE(second.ok()) << second.status();
  av1::ListMutedAlertsRequest one = by_silence;
  one.set_limit(1);
  av1::ListMutedAlertsResponse bounded;
  ASSERT_TRUE(stub->ListMutedAlerts(Ctx().get(), one, &bounded).ok());
  EXPECT_EQ(bounded.alerts_size(), 1);
  EXPECT_EQ(bounded.matched(), 2);
  // The other one on the next page, with the same filters only.
  ASSERT_FALSE(bounded.next_page_token().empty());
  av1::ListMutedAlertsRequest next = one;
  next.set_page_token(bounded.next_page_token());
  av1::ListMutedAlertsResponse second_page;
  ASSERT_TRUE(stub->ListMutedAlerts(Ctx().get(), next, &second_page).ok());
  ASSERT_EQ(second_page.alerts_size(), 1);
  EXPECT_NE(second_page.alerts(0).fingerprint(), bounded.alerts(0).fingerprint());
  EXPECT_EQ(second_page.matched(), 2);
  EXPECT_EQ(second_page.next_page_token(), "") << "nothing after the last";
  av1::ListMutedAlertsRequest elsewhere = next;
  elsewhere.set_silence_id("sil-none");
  grpc::Status wrong = stub->ListMutedAlerts(Ctx().get(), elsewhere, &second_page);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(wrong.error_message().find("page_token"), std::string::npos) << wrong.error_message();
  EXPECT_EQ(Muted(*stub, by_silence).size(), 2u) << "the default limit is 100";
  one.set_limit(1001);
  grpc::Status too_many = stub->ListMutedAlerts(Ctx().get(), one, &bounded);
  EXPECT_EQ(too_many.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(too_many.error_message().find("limit"), std::string::npos)
      << too_many.error_message();

  av1::ListMutedAlertsRequest both = by_silence;
  both.set_inhibited_by("INC-1");
  av1::ListMutedAlertsResponse refused;
  grpc::Status status = stub->ListMutedAlerts(Ctx().get(), both, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("inhibited_by"), std::string::npos)
      << status.error_message();

  av1::ExpireSilenceRequest expire;
  expire.set_id(silence.id());
  ASSERT_TRUE(stub->ExpireSilence(Ctx().get(), expire, &silence).ok());
  av1::ListIncidentsRequest page;
  page.set_plan_id("page");
  page.set_limit(10);
  av1::ListIncidentsResponse opened;
  ASSERT_TRUE(testing::Await(
      [&] {
        opened.Clear();
        return stub->ListIncidents(Ctx().get(), page, &opened).ok() &&
               opened.incidents_size() == 1;
      },
      absl::Seconds(30)))
      << "the kept alerts open their incident (grouped by case) once the silence ended";
  EXPECT_TRUE(testing::Await([&] { return Muted(*stub, av1::ListMutedAlertsRequest()).empty(); },
                             absl::Seconds(10)))
      << "decided again: no longer kept";
}

}  // namespace
}  // namespace sqms::alerts::it
