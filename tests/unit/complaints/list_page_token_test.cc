// ListComplaints page tokens (adapters/list_page_token.h): a token continues
// only the query that returned it — every filter and the order are part of
// that query, page_size is not — and the unbound tokens of the release
// before are still read, in their own order only.
#include "services/complaints/adapters/list_page_token.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::adapters {
namespace {

using ::testing::HasSubstr;

ports::ListQuery Filtered() {
  ports::ListQuery q;
  q.statuses = {domain::Status::kReceived, domain::Status::kAssigned};
  q.categories = {domain::Category::kHygiene};
  q.priorities = {domain::Priority::kP2};
  q.department = "station-services";
  q.channel = domain::Channel::kHotline;
  q.region = "south";
  q.station = "Changsha South";
  q.created_after = absl::FromUnixSeconds(1'780'000'000);
  q.created_before = absl::FromUnixSeconds(1'780'086'400);
  q.assignee = "agent-7";
  q.complainant_key = "ck-1";
  q.incident_id = "INC-1";
  q.page_size = 20;
  return q;
}

// `query` sent with a token that `issued_for` returned.
absl::StatusOr<std::optional<PagePosition>> Resend(const ports::ListQuery& issued_for,
                                                   ports::ListQuery query) {
  query.page_token = EncodePageToken(issued_for, {1'780'000'123'456, "CMP-42"});
  return DecodePageToken(query);
}

std::string Description(const absl::Status& status) {
  const std::vector<runtime::FieldViolation> v = runtime::FieldViolations(status);
  return v.size() == 1 ? absl::StrCat(v[0].field, ": ", v[0].description) : status.ToString();
}

TEST(ListPageTokenTest, AnEmptyTokenIsTheFirstPage) {
  auto position = DecodePageToken(Filtered());
  ASSERT_TRUE(position.ok()) << position.status();
  EXPECT_FALSE(position->has_value());
}

TEST(ListPageTokenTest, TheSameQueryContinuesAtItsPositionWhateverThePageSize) {
  ports::ListQuery again = Filtered();
  again.page_size = 500;
  auto position = Resend(Filtered(), again);
  ASSERT_TRUE(position.ok()) << position.status();
  ASSERT_TRUE(position->has_value());
  EXPECT_EQ((*position)->at, 1'780'000'123'456);
  EXPECT_EQ((*position)->key, "CMP-42");
}

TEST(ListPageTokenTest, EveryFilterAndTheOrderArePartOfTheQuery) {
  const std::vector<std::pair<std::string, std::function<void(ports::ListQuery&)>>> changes = {
      {"statuses", [](auto& q) { q.statuses = {domain::Status::kReceived}; }},
      {"categories", [](auto& q) { q.categories.clear(); }},
      {"priorities", [](auto& q) { q.priorities = {domain::Priority::kP1}; }},
      {"department", [](auto& q) { q.department = "rolling-stock"; }},
      {"channel", [](auto& q) { q.channel = domain::Channel::kUnspecified; }},
      {"region", [](auto& q) { q.region = "north"; }},
      {"station", [](auto& q) { q.station = "Wuhan"; }},
      {"created_after", [](auto& q) { q.created_after.reset(); }},
      {"created_before", [](auto& q) { q.created_before = absl::FromUnixSeconds(1'780'086'401); }},
      {"sla_breached_only", [](auto& q) { q.sla_breached_only = true; }},
      {"assignee", [](auto& q) { q.assignee = "agent-8"; }},
      {"sla_at_risk_only", [](auto& q) { q.sla_at_risk_only = true; }},
      {"escalated_only", [](auto& q) { q.escalated_only = true; }},
      {"complainant_key", [](auto& q) { q.complainant_key = "ck-2"; }},
      {"incident_id", [](auto& q) { q.incident_id = ""; }},
  };
  for (const auto& [field, change] : changes) {
    ports::ListQuery other = Filtered();
    change(other);
    EXPECT_NE(ListQueryFingerprint(other), ListQueryFingerprint(Filtered())) << field;
    auto refused = Resend(Filtered(), other);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(Description(refused.status()), HasSubstr("page_token: belongs to other filters"))
        << field;
  }
  ports::ListQuery by_due = Filtered();
  by_due.order = ports::ListOrder::kNextDue;
  EXPECT_THAT(Description(Resend(Filtered(), by_due).status()),
              HasSubstr("page_token: belongs to other filters"));
  EXPECT_THAT(Description(Resend(by_due, Filtered()).status()),
              HasSubstr("page_token: belongs to other filters"));
}

TEST(ListPageTokenTest, ASetFiltersOrderAndRepeatsAreTheSameQuery) {
  ports::ListQuery reordered = Filtered();
  reordered.statuses = {domain::Status::kAssigned, domain::Status::kReceived,
                        domain::Status::kAssigned};
  EXPECT_EQ(ListQueryFingerprint(reordered), ListQueryFingerprint(Filtered()));
  EXPECT_TRUE(Resend(Filtered(), reordered).ok());
}

// The store never sees the phone (ComplaintService::List resolves it into
// complainant_key): the key is what binds a complainant's listing.
TEST(ListPageTokenTest, ThePhoneIsNotPartOfTheQueryItsKeyIs) {
  ports::ListQuery with_phone = Filtered();
  with_phone.complainant_phone = "13800138000";
  EXPECT_EQ(ListQueryFingerprint(with_phone), ListQueryFingerprint(Filtered()));
}

TEST(ListPageTokenTest, TheFingerprintIsShortHexAndStable) {
  const std::string fingerprint = ListQueryFingerprint(Filtered());
  EXPECT_EQ(fingerprint.size(), 16u);
  EXPECT_EQ(fingerprint.find_first_not_of("0123456789abcdef"), std::string::npos) << fingerprint;
  EXPECT_EQ(ListQueryFingerprint(Filtered()), fingerprint);
  EXPECT_NE(ListQueryFingerprint(ports::ListQuery{}), fingerprint);
}

TEST(ListPageTokenTest, WhatIsNotATokenIsSaidSo) {
  for (const std::string& garbage :
       {std::string("garbage"), absl::WebSafeBase64Escape("v2:0123456789abcdef:x:CMP-1"),
        absl::WebSafeBase64Escape("v2:short:1:CMP-1"), absl::WebSafeBase64Escape("x1:1:CMP-1"),
        absl::WebSafeBase64Escape("v3:1:CMP-1"), absl::WebSafeBase64Escape("v1:1")}) {
    ports::ListQuery q = Filtered();
    q.page_token = garbage;
    auto refused = DecodePageToken(q);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << garbage;
    EXPECT_EQ(Description(refused.status()), "page_token: not a token from next_page_token")
        << garbage;
  }
}

// Issued by a replica of the release before, mid-pagination of a rolling
// upgrade: read as before, its order still checked.
TEST(ListPageTokenTest, AnUnboundTokenOfTheReleaseBeforeIsReadInItsOrder) {
  ports::ListQuery q = Filtered();
  q.page_token = absl::WebSafeBase64Escape("v1:1780000123456:CMP-42");
  auto position = DecodePageToken(q);
  ASSERT_TRUE(position.ok()) << position.status();
  ASSERT_TRUE(position->has_value());
  EXPECT_EQ((*position)->at, 1'780'000'123'456);
  EXPECT_EQ((*position)->key, "CMP-42");

  q.order = ports::ListOrder::kNextDue;
  EXPECT_EQ(DecodePageToken(q).status().code(), absl::StatusCode::kInvalidArgument);
  q.page_token = absl::WebSafeBase64Escape("d1:1780000123456:CMP-42");
  EXPECT_TRUE(DecodePageToken(q).ok());
}

}  // namespace
}  // namespace sqms::complaints::adapters
