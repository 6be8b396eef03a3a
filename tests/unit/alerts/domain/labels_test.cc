#include "services/alerts/domain/labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/alerts/domain/test_matchers.h"

namespace sqms::alerts::domain {
namespace {

using ::testing::HasSubstr;
using testing::M;

TEST(FingerprintTest, IsFnv1a64OfTheSortedPairsAsSixteenHexDigits) {
  // Stored in Redis: this value must never change.
  EXPECT_EQ(Fingerprint({{"alertname", "complaint_submitted"}, {"station", "beijing-south"}}),
            "64efc7d6f26ba5fd");
  EXPECT_EQ(Fingerprint({}), "cbf29ce484222325");  // the FNV-1a 64 offset basis
}

TEST(FingerprintTest, DoesNotDependOnInsertionOrder) {
  Labels a, b;
  a["station"] = "beijing-south";
  a["alertname"] = "complaint_submitted";
  b["alertname"] = "complaint_submitted";
  b["station"] = "beijing-south";
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
}

TEST(FingerprintTest, SeparatesNameFromValue) {
  EXPECT_NE(Fingerprint({{"a", "bc"}}), Fingerprint({{"ab", "c"}}));
  EXPECT_NE(Fingerprint({{"a", "b"}}), Fingerprint({{"a", "b"}, {"c", "d"}}));
}

// RaiseAlert's labels are the caller's choice: its alerts get keys of
// their own, so an api resolution never matches another source's alert.
// The machine sources keep the stored fingerprint (open incidents hold it).
TEST(AlertKeyTest, ApiAlertsAreKeyedApartFromEveryOtherSource) {
  const Labels labels = {{"alertname", "SqmsComplaintsDown"}, {"service", "complaints"}};
  for (const char* source : {"alertmanager", "complaints", "metrics"}) {
    EXPECT_EQ(AlertKey(source, labels), Fingerprint(labels)) << source;
    EXPECT_NE(AlertKey("api", labels), AlertKey(source, labels)) << source;
  }
  EXPECT_EQ(AlertKey("api", labels), "api:" + Fingerprint(labels));
}

TEST(ValidateLabelsTest, AcceptsOrdinaryLabels) {
  EXPECT_TRUE(ValidateLabels({{"alertname", "kpi_breached"}, {"station", "北京南站"}}).ok());
  EXPECT_TRUE(ValidateLabels({{"_x9", "v"}}).ok());
}

TEST(ValidateLabelsTest, NamesTheFirstBadLabel) {
  auto bad_name = ValidateLabels({{"9lives", "x"}});
  EXPECT_EQ(bad_name.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_name.message(), HasSubstr("'9lives' is not a label name"));
  EXPECT_FALSE(ValidateLabels({{"with-dash", "x"}}).ok());
  EXPECT_FALSE(ValidateLabels({{std::string(65, 'a'), "x"}}).ok());
  EXPECT_TRUE(ValidateLabels({{std::string(64, 'a'), "x"}}).ok());
  EXPECT_EQ(ValidateLabels({{"region", ""}}).message(), "labels.region: is empty");
  EXPECT_EQ(ValidateLabels({{"region", std::string(1025, 'x')}}).message(),
            "labels.region: longer than 1024 bytes");
  EXPECT_TRUE(ValidateLabels({{"region", std::string(1024, 'x')}}).ok());
  EXPECT_EQ(ValidateLabels({{"region", "\xc3\x28"}}).message(),
            "labels.region: is not valid UTF-8");
  EXPECT_FALSE(ValidateLabels({{"region", "\xc0\xaf"}}).ok());      // overlong '/'
  EXPECT_FALSE(ValidateLabels({{"region", "\xed\xa0\x80"}}).ok());  // a surrogate
  EXPECT_FALSE(ValidateLabels({{"region", "\xe5\x8c"}}).ok());      // truncated
}

TEST(ValidateLabelsTest, AllowsAtMostSixtyFourLabels) {
  Labels labels;
  for (int i = 0; i < 64; ++i) labels["l" + std::to_string(i)] = "v";
  EXPECT_TRUE(ValidateLabels(labels).ok());
  labels["one_more"] = "v";
  EXPECT_FALSE(ValidateLabels(labels).ok());
}

TEST(MatcherTest, AnAbsentLabelReadsAsEmpty) {
  const Labels without_region = {{"alertname", "kpi_breached"}};
  const Labels with_region = {{"alertname", "kpi_breached"}, {"region", "north"}};
  EXPECT_TRUE(M("region", "=", "").Matches(without_region));
  EXPECT_FALSE(M("region", "=", "").Matches(with_region));
  EXPECT_FALSE(M("region", "!=", "").Matches(without_region));
  EXPECT_TRUE(M("region", "!=", "").Matches(with_region));
  EXPECT_TRUE(M("region", "!=", "south").Matches(without_region));
  EXPECT_TRUE(M("region", "=~", "|north").Matches(without_region));
  EXPECT_FALSE(M("region", "=~", ".+").Matches(without_region));
  EXPECT_TRUE(M("region", "!~", ".+").Matches(without_region));
}

TEST(MatcherTest, RegexesAreAnchoredAtBothEnds) {
  const Matcher down = M("alertname", "=~", "Sqms.*Down|PlatformOutage");
  EXPECT_TRUE(down.Matches({{"alertname", "SqmsComplaintsDown"}}));
  EXPECT_TRUE(down.Matches({{"alertname", "PlatformOutage"}}));
  EXPECT_FALSE(down.Matches({{"alertname", "NotSqmsComplaintsDown"}}));
  EXPECT_FALSE(down.Matches({{"alertname", "SqmsComplaintsDownstream"}}));
  EXPECT_FALSE(down.Matches({{"alertname", "PlatformOutageDrill"}}));
  EXPECT_FALSE(M("kpi", "=~", "answer").Matches({{"kpi", "answer_rate"}}));
  EXPECT_TRUE(M("kpi", "!~", "answer").Matches({{"kpi", "answer_rate"}}));
}

TEST(MatcherTest, EqualityIsExact) {
  EXPECT_TRUE(M("priority", "=", "P1").Matches({{"priority", "P1"}}));
  EXPECT_FALSE(M("priority", "=", "P1").Matches({{"priority", "p1"}}));
  EXPECT_TRUE(M("priority", "!=", "P1").Matches({{"priority", "P2"}}));
}

TEST(MatcherTest, RefusesBadInput) {
  auto regex = Matcher::Make("alertname", "=~", "Sqms(Down");
  ASSERT_FALSE(regex.ok());
  EXPECT_EQ(regex.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(regex.status().message(), HasSubstr("'Sqms(Down' is not a regular expression: "));
  EXPECT_THAT(regex.status().message(), HasSubstr("missing )"));
  EXPECT_FALSE(Matcher::Make("alertname", "==", "x").ok());
  EXPECT_FALSE(Matcher::Make("alert-name", "=", "x").ok());
  EXPECT_FALSE(Matcher::Make("", "=", "x").ok());
}

TEST(MatcherTest, PrintsAlertmanagerSyntax) {
  EXPECT_EQ(M("alertname", "=", "complaint_submitted").ToString(),
            "alertname=\"complaint_submitted\"");
  EXPECT_EQ(M("a", "!~", "x\"y\\z").ToString(), "a!~\"x\\\"y\\\\z\"");
  const Matcher m = M("kpi", "!=", "answer_rate");
  EXPECT_EQ(m.label(), "kpi");
  EXPECT_EQ(m.op(), MatchOp::kNotEqual);
  EXPECT_EQ(m.op_text(), "!=");
  EXPECT_EQ(m.value(), "answer_rate");
}

TEST(MatchesAllTest, EveryMatcherMustMatchAndNoneMatchesEverything) {
  const std::vector<Matcher> safety = {M("alertname", "=", "complaint_submitted"),
                                       M("category", "=", "safety")};
  EXPECT_TRUE(MatchesAll(safety, {{"alertname", "complaint_submitted"}, {"category", "safety"}}));
  EXPECT_FALSE(MatchesAll(safety, {{"alertname", "complaint_submitted"}, {"category", "hygiene"}}));
  EXPECT_FALSE(MatchesAll(safety, {{"category", "safety"}}));
  EXPECT_TRUE(MatchesAll({}, {{"anything", "x"}}));
}

}  // namespace
}  // namespace sqms::alerts::domain
