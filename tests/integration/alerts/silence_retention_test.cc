// Expired silences leave the real binary's Redis after their retention
// (--silence-retention-days, 14 by default): every alert decision reads
// the silences, so years of ended ones must not pile up. A replica prunes
// when it starts and every hour after.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "services/alerts/adapters/redis_alert_store.h"
#include "sqms/runtime/redis_client.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

std::vector<std::string> AllSilenceIds(av1::AlertService::Stub& stub) {
  av1::ListSilencesRequest request;
  request.set_include_expired(true);
  av1::ListSilencesResponse response;
  if (!stub.ListSilences(Ctx().get(), request, &response).ok()) return {"(no answer)"};
  std::vector<std::string> ids;
  for (const av1::Silence& s : response.silences()) ids.push_back(s.id());
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(AlertsSilenceRetentionTest, ASilenceEndedLongerAgoThanTheRetentionIsDeletedAtStart) {
  auto stack = AlertsStack::Start({.name = "alerts-silence-retention", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  // Written while no replica runs (one prunes when it starts), as the
  // service stores them, ended 15 days and 1 day ago.
  (*stack)->KillService();
  {
    runtime::RedisClient client((*stack)->redis().ClientOptions());
    adapters::RedisAlertStore store(client, "sqms.incidents.v1", [] {});
    const absl::Time now = absl::Now();
    for (const auto& [id, ended] : {std::pair{"sil-ended-15d", now - absl::Hours(24 * 15)},
                                    std::pair{"sil-ended-1d", now - absl::Hours(24)}}) {
      domain::Silence s;
      s.id = id;
      s.matchers = {*domain::Matcher::Make("station", "=", "S1")};
      s.starts_at = ended - absl::Hours(2);
      s.ends_at = ended;
      s.created_by = "ops";
      ASSERT_TRUE(store.PutSilence(s).ok());
    }
    auto stored = store.ListSilences();
    ASSERT_TRUE(stored.ok()) << stored.status();
    ASSERT_EQ(stored->size(), 2u);
  }

  ASSERT_TRUE((*stack)->StartService().ok());
  auto stub = (*stack)->Alerts();
  EXPECT_TRUE(testing::Await(
      [&] { return AllSilenceIds(*stub) == std::vector<std::string>{"sil-ended-1d"}; },
      absl::Seconds(10)))
      << "the one ended 15 days ago is gone, the one ended yesterday still listed";
}

}  // namespace
}  // namespace sqms::alerts::it
