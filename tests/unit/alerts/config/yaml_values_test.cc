#include "services/alerts/config/yaml_values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sqms::alerts::config {
namespace {

using ::testing::HasSubstr;

absl::Duration Span(std::string_view text) {
  absl::Duration d = absl::InfiniteDuration();
  EXPECT_TRUE(ParseSpan(text, &d)) << text;
  return d;
}

TEST(ParseSpanTest, SecondsMinutesHoursDaysAndZero) {
  EXPECT_EQ(Span("30s"), absl::Seconds(30));
  EXPECT_EQ(Span("5m"), absl::Minutes(5));
  EXPECT_EQ(Span("1h30m"), absl::Minutes(90));
  EXPECT_EQ(Span("2d"), absl::Hours(48));
  EXPECT_EQ(Span("1m30s"), absl::Seconds(90));
  EXPECT_EQ(Span("0"), absl::ZeroDuration());
  EXPECT_EQ(Span("0s"), absl::ZeroDuration());
  absl::Duration d;
  for (const char* bad : {"", "5", "m", "-5m", "5 m", "5ms", "1.5h", "5M", "12345678s"}) {
    EXPECT_FALSE(ParseSpan(bad, &d)) << bad;
  }
}

TEST(ParseMatcherTest, AlertmanagerSyntax) {
  struct Case {
    const char* text;
    const char* label;
    domain::MatchOp op;
    const char* value;
  } cases[] = {
      {"alertname=\"complaint_submitted\"", "alertname", domain::MatchOp::kEqual,
       "complaint_submitted"},
      {"priority != \"P1\"", "priority", domain::MatchOp::kNotEqual, "P1"},
      {"alertname=~\"Sqms.*Down\"", "alertname", domain::MatchOp::kRegex, "Sqms.*Down"},
      {"kpi!~\"answer_.*\"", "kpi", domain::MatchOp::kNotRegex, "answer_.*"},
      {"category=safety", "category", domain::MatchOp::kEqual, "safety"},
      {"region=\"\"", "region", domain::MatchOp::kEqual, ""},
      {"note=\"a \\\"b\\\" \\\\ c\"", "note", domain::MatchOp::kEqual, "a \"b\" \\ c"},
  };
  for (const Case& c : cases) {
    auto m = ParseMatcher(c.text);
    ASSERT_TRUE(m.ok()) << c.text << ": " << m.status();
    EXPECT_EQ(m->label(), c.label) << c.text;
    EXPECT_EQ(m->op(), c.op) << c.text;
    EXPECT_EQ(m->value(), c.value) << c.text;
  }
}

TEST(ParseMatcherTest, RefusesWhatIsNotAMatcher) {
  for (const char* bad : {"", "alertname", "=\"x\"", "alertname==\"x\"x", "alertname=\"x",
                          "alertname=\"x\" extra", "alert-name=\"x\"", "a<\"x\""}) {
    auto m = ParseMatcher(bad);
    EXPECT_FALSE(m.ok()) << bad;
  }
  EXPECT_THAT(ParseMatcher("a=~\"(x\"").status().message(),
              HasSubstr("'(x' is not a regular expression"));
}

TEST(ParseMatcherTest, RoundTripsToString) {
  for (const char* text : {"alertname=\"complaint_submitted\"", "a!~\"x\\\"y\\\\z\""}) {
    auto m = ParseMatcher(text);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ(m->ToString(), text);
  }
}

}  // namespace
}  // namespace sqms::alerts::config
