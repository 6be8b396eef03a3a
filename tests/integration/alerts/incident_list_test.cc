// ListIncidents pages through the real binary and Redis: every incident
// once, newest first, page after page; a token sent with other filters is
// refused naming page_token, with nothing listed.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

TEST(AlertsIncidentListTest, PagesHoldEveryIncidentOnceNewestFirst) {
  auto stack = AlertsStack::Start({.name = "alerts-incident-list", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  // Five incidents of the paging plan: one per `case` (its group_by).
  std::vector<std::string> opened;
  for (int n = 1; n <= 5; ++n) {
    auto raised = Raise(*stub, {{"alertname", "PageTest"}, {"case", absl::StrCat("list-", n)}});
    ASSERT_TRUE(raised.ok()) << raised.status();
    ASSERT_EQ(raised->decisions_size(), 1);
    ASSERT_FALSE(raised->decisions(0).incident_id().empty()) << n;
    opened.push_back(raised->decisions(0).incident_id());
  }

  av1::ListIncidentsRequest request;
  request.set_plan_id("page");
  request.set_limit(2);
  std::vector<std::string> listed;
  std::vector<int64_t> opened_ms;
  std::vector<int> page_sizes;
  av1::ListIncidentsResponse response;
  do {
    response.Clear();
    ASSERT_TRUE(stub->ListIncidents(Ctx().get(), request, &response).ok());
    page_sizes.push_back(response.incidents_size());
    for (const av1::Incident& i : response.incidents()) {
      listed.push_back(i.id());
      opened_ms.push_back(i.opened_at().seconds() * 1000 + i.opened_at().nanos() / 1'000'000);
    }
    request.set_page_token(response.next_page_token());
  } while (!response.next_page_token().empty() && page_sizes.size() < 10);
  EXPECT_EQ(page_sizes, (std::vector<int>{2, 2, 1}));
  // Each once; newest opened first (two opened in one millisecond are
  // ordered by id, so the order of the raises is not compared).
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()),
            std::set<std::string>(opened.begin(), opened.end()));
  EXPECT_EQ(listed.size(), opened.size());
  EXPECT_TRUE(std::is_sorted(opened_ms.rbegin(), opened_ms.rend())) << "newest first";

  // The first page's token with another plan: refused, naming the field.
  request.set_page_token("");
  ASSERT_TRUE(stub->ListIncidents(Ctx().get(), request, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  av1::ListIncidentsRequest other;
  other.set_plan_id("safety");
  other.set_page_token(response.next_page_token());
  av1::ListIncidentsResponse refused;
  grpc::Status s = stub->ListIncidents(Ctx().get(), other, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_token"), std::string::npos) << s.error_message();
  EXPECT_EQ(refused.incidents_size(), 0);
}

}  // namespace
}  // namespace sqms::alerts::it
