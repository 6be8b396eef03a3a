// ListIncidents page tokens (rpc/incident_page.h): a token holds the
// position of its page's last incident, and only the request with the same
// active_only and plan_id may continue with it.
#include "services/alerts/rpc/incident_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/time/time.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::alerts::rpc {
namespace {

using ::testing::HasSubstr;

v1::ListIncidentsRequest Request(bool active_only, const std::string& plan_id) {
  v1::ListIncidentsRequest r;
  r.set_active_only(active_only);
  r.set_plan_id(plan_id);
  return r;
}

std::string Refusal(const absl::Status& s) {
  std::vector<runtime::FieldViolation> v = runtime::FieldViolations(s);
  return v.size() == 1 ? v[0].field + ": " + v[0].description : s.ToString();
}

TEST(IncidentPageTest, TheFirstPageHasNoPosition) {
  auto after = IncidentPageAfter(Request(false, "safety"));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_FALSE(after->has_value());
}

TEST(IncidentPageTest, ATokenContinuesAfterItsPagesLastIncident) {
  ports::Incident last;
  last.id = "INC-20261206-7";
  last.opened_at = absl::FromUnixMillis(1'796'560'000'123) + absl::Microseconds(456);
  v1::ListIncidentsRequest next = Request(true, "safety");
  // The limit may change between pages.
  next.set_limit(7);
  next.set_page_token(IncidentPageToken(Request(true, "safety"), last));
  auto after = IncidentPageAfter(next);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_TRUE(after->has_value());
  EXPECT_EQ(**after, ports::ListPosition(last));
  EXPECT_EQ((*after)->at, 1'796'560'000'123);
  EXPECT_EQ((*after)->key, "INC-20261206-7");
}

TEST(IncidentPageTest, ATokenSentWithOtherFiltersIsRefused) {
  ports::Incident last;
  last.id = "INC-1";
  const std::string token = IncidentPageToken(Request(false, "safety"), last);
  for (v1::ListIncidentsRequest other :
       {Request(true, "safety"), Request(false, "outage"), Request(false, "")}) {
    other.set_page_token(token);
    auto refused = IncidentPageAfter(other);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Refusal(refused.status()),
                HasSubstr("page_token: belongs to other filters: send it with the active_only "
                          "and plan_id"));
  }
}

TEST(IncidentPageTest, WhatIsNotATokenIsSaidSo) {
  v1::ListIncidentsRequest r = Request(false, "");
  for (const std::string& text : {std::string("garbage"), std::string("bTE6")}) {
    r.set_page_token(text);
    EXPECT_EQ(Refusal(IncidentPageAfter(r).status()),
              "page_token: not a token from next_page_token");
  }
}

}  // namespace
}  // namespace sqms::alerts::rpc
