// The bodies sent to each kind of target, parsed back as a receiver would.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "services/alerts/notify/target.h"

namespace sqms::alerts::notify {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

absl::Time At(int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2026, 3, 9, hour, minute), absl::UTCTimeZone());
}

Notification Sample() {
  Notification n;
  n.delivery_id = "d-42";
  n.kind = "escalated";
  n.incident_id = "inc-7";
  n.plan_id = "safety";
  n.plan_name = "Safety complaints";
  n.title = "Safety complaint from Pudong";
  n.level = "I";
  n.state = "open";
  n.tier = 1;
  n.labels = {{"region", "east"}, {"service", "broadband"}};
  n.recipients = {"user:zhang", "role:duty-manager"};
  n.opened_at = At(8, 30);
  n.sent_at = At(8, 45);
  n.version = 5;
  return n;
}

json Parse(TargetKind kind, const Notification& n) {
  json body = json::parse(RenderBody(kind, n), nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(body.is_discarded()) << RenderBody(kind, n);
  return body;
}

// The human-readable text each robot shows.
std::string RobotText(TargetKind kind, const Notification& n) {
  json body = Parse(kind, n);
  switch (kind) {
    case TargetKind::kDingTalk:
      return body["markdown"]["text"].get<std::string>();
    case TargetKind::kWeCom:
      return body["markdown"]["content"].get<std::string>();
    case TargetKind::kFeishu:
      return body["content"]["text"].get<std::string>();
    case TargetKind::kGeneric:
      break;
  }
  ADD_FAILURE() << "not a robot";
  return "";
}

constexpr TargetKind kRobots[] = {TargetKind::kDingTalk, TargetKind::kWeCom, TargetKind::kFeishu};

TEST(RenderBodyTest, DingTalkIsAMarkdownMessage) {
  json body = Parse(TargetKind::kDingTalk, Sample());
  EXPECT_EQ(body["msgtype"], "markdown");
  ASSERT_TRUE(body["markdown"].is_object());
  EXPECT_EQ(body["markdown"].size(), 2u);
  EXPECT_EQ(body["markdown"]["title"], "[I] Safety complaint from Pudong");
  EXPECT_TRUE(body["markdown"]["text"].is_string());
}

TEST(RenderBodyTest, WeComIsAMarkdownMessage) {
  json body = Parse(TargetKind::kWeCom, Sample());
  EXPECT_EQ(body.size(), 2u);
  EXPECT_EQ(body["msgtype"], "markdown");
  ASSERT_TRUE(body["markdown"].is_object());
  EXPECT_EQ(body["markdown"].size(), 1u);
  EXPECT_TRUE(body["markdown"]["content"].is_string());
}

TEST(RenderBodyTest, FeishuIsATextMessage) {
  json body = Parse(TargetKind::kFeishu, Sample());
  EXPECT_EQ(body.size(), 2u);
  EXPECT_EQ(body["msg_type"], "text");
  ASSERT_TRUE(body["content"].is_object());
  EXPECT_TRUE(body["content"]["text"].is_string());
}

TEST(RenderBodyTest, RobotTextCarriesTheIncident) {
  for (TargetKind kind : kRobots) {
    SCOPED_TRACE(TargetKindName(kind));
    std::string text = RobotText(kind, Sample());
    EXPECT_THAT(text, StartsWith("[I] Safety complaint from Pudong"));
    EXPECT_THAT(text, HasSubstr("escalated (tier 2)"));
    EXPECT_THAT(text, HasSubstr("open"));
    EXPECT_THAT(text, HasSubstr("Safety complaints (safety)"));
    EXPECT_THAT(text, HasSubstr("user:zhang, role:duty-manager"));
    EXPECT_THAT(text, HasSubstr("region=east, service=broadband"));
    EXPECT_THAT(text, HasSubstr("inc-7"));
    EXPECT_THAT(text, HasSubstr("2026-03-09 08:30:00 +00:00"));
    EXPECT_THAT(text, Not(HasSubstr("DRILL")));
  }
}

TEST(RenderBodyTest, RobotTextShowsTheOperatorsLocalTime) {
  Notification n = Sample();
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &n.zone));
  for (TargetKind kind : kRobots) {
    SCOPED_TRACE(TargetKindName(kind));
    const std::string text = RobotText(kind, n);
    EXPECT_THAT(text, HasSubstr("2026-03-09 16:30:00 +08:00"));
    EXPECT_THAT(text, Not(HasSubstr("08:30:00")));
  }
  const json generic = Parse(TargetKind::kGeneric, n);
  EXPECT_EQ(generic["opened_at"], "2026-03-09T08:30:00.000Z") << "machines read UTC";
}

TEST(RenderBodyTest, DrillTextStartsWithTheMarker) {
  Notification n = Sample();
  n.drill = true;
  for (TargetKind kind : kRobots) {
    SCOPED_TRACE(TargetKindName(kind));
    EXPECT_THAT(RobotText(kind, n), StartsWith("[DRILL] [I] Safety complaint"));
  }
  EXPECT_THAT(Parse(TargetKind::kDingTalk, n)["markdown"]["title"].get<std::string>(),
              StartsWith("[DRILL] "));
}

TEST(RenderBodyTest, TiersAreNumberedFromOneForPeople) {
  Notification n = Sample();
  n.kind = "triggered";
  n.tier = 0;
  EXPECT_THAT(RobotText(TargetKind::kFeishu, n), HasSubstr("triggered (tier 1)"));
  n.kind = "repeated";
  n.tier = 2;
  n.repeat = 3;
  EXPECT_THAT(RobotText(TargetKind::kFeishu, n), HasSubstr("repeated (tier 3, repeat 3)"));
}

TEST(RenderBodyTest, ChineseTextAndQuotesStayValidJson) {
  Notification n = Sample();
  n.title = "浦东\"安全\"投诉 \\ 紧急\n第二行";
  n.plan_name = "安全预案";
  n.labels = {{"region", "华东"}};
  for (TargetKind kind : kRobots) {
    SCOPED_TRACE(TargetKindName(kind));
    std::string text = RobotText(kind, n);
    // A line break in the title must not split the headline.
    EXPECT_THAT(text, StartsWith("[I] 浦东\"安全\"投诉 \\ 紧急 第二行"));
    EXPECT_THAT(text, HasSubstr("安全预案"));
    EXPECT_THAT(text, HasSubstr("region=华东"));
  }
  EXPECT_EQ(Parse(TargetKind::kGeneric, n)["title"], n.title);
  // UTF-8 is sent as is, not as \u escapes.
  EXPECT_THAT(RenderBody(TargetKind::kGeneric, n), HasSubstr("安全预案"));
}

TEST(RenderBodyTest, InvalidUtf8IsReplacedNotThrown) {
  Notification n = Sample();
  n.title = "bad \xff byte";
  for (TargetKind kind : {TargetKind::kGeneric, TargetKind::kDingTalk}) {
    std::string body;
    ASSERT_NO_THROW(body = RenderBody(kind, n));
    EXPECT_FALSE(json::parse(body, nullptr, false).is_discarded());
  }
}

TEST(RenderBodyTest, GenericBodyHasEveryField) {
  Notification n = Sample();
  n.drill = true;
  n.repeat = 2;
  json body = Parse(TargetKind::kGeneric, n);
  EXPECT_EQ(body["delivery_id"], "d-42");
  EXPECT_EQ(body["kind"], "escalated");
  EXPECT_EQ(body["incident_id"], "inc-7");
  EXPECT_EQ(body["plan_id"], "safety");
  EXPECT_EQ(body["plan_name"], "Safety complaints");
  EXPECT_EQ(body["title"], "Safety complaint from Pudong");
  EXPECT_EQ(body["level"], "I");
  EXPECT_EQ(body["state"], "open");
  EXPECT_EQ(body["tier"], 1);
  EXPECT_EQ(body["repeat"], 2);
  EXPECT_EQ(body["drill"], true);
  EXPECT_EQ(body["labels"], (json{{"region", "east"}, {"service", "broadband"}}));
  EXPECT_EQ(body["recipients"], (json{"user:zhang", "role:duty-manager"}));
  EXPECT_EQ(body["opened_at"], "2026-03-09T08:30:00.000Z");
  EXPECT_EQ(body["sent_at"], "2026-03-09T08:45:00.000Z");
  EXPECT_EQ(body["version"], 5);
  EXPECT_EQ(body["acknowledged_by"], "");
  EXPECT_TRUE(body["acknowledged_at"].is_null());
  EXPECT_EQ(body.size(), 18u);
}

// An "acknowledged" notice says who has the incident and since when, in
// the operator's zone for people and in UTC for machines.
TEST(RenderBodyTest, AnAcknowledgedNoticeNamesWhoAndWhen) {
  Notification n = Sample();
  n.kind = "acknowledged";
  n.state = "acknowledged";
  n.acknowledged_by = "alice";
  n.acknowledged_at = At(8, 41);
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  n.zone = shanghai;
  for (TargetKind kind : {TargetKind::kDingTalk, TargetKind::kWeCom, TargetKind::kFeishu}) {
    EXPECT_THAT(RobotText(kind, n), HasSubstr("by alice at 2026-03-09 16:41:00 +08:00"));
  }
  json body = Parse(TargetKind::kGeneric, n);
  EXPECT_EQ(body["kind"], "acknowledged");
  EXPECT_EQ(body["acknowledged_by"], "alice");
  EXPECT_EQ(body["acknowledged_at"], "2026-03-09T08:41:00.000Z");
  // Nobody has acknowledged a page: it says nothing about it.
  EXPECT_THAT(RobotText(TargetKind::kDingTalk, Sample()), Not(HasSubstr("Acknowledged")));
}

TEST(RenderBodyTest, GenericBodyWithoutLabelsHasAnEmptyObject) {
  Notification n = Sample();
  n.labels.clear();
  n.recipients.clear();
  json body = Parse(TargetKind::kGeneric, n);
  EXPECT_TRUE(body["labels"].is_object());
  EXPECT_TRUE(body["labels"].empty());
  EXPECT_TRUE(body["recipients"].is_array());
  EXPECT_EQ(body["drill"], false);
}

TEST(SummaryTest, IsOneLineWithTheEssentials) {
  Notification n = Sample();
  n.drill = true;
  n.title = "two\nlines";
  std::string line = Summary(n);
  EXPECT_THAT(line, StartsWith("[DRILL] [I] two lines — escalated (tier 2)"));
  EXPECT_THAT(line, HasSubstr("Safety complaints"));
  EXPECT_THAT(line, HasSubstr("inc-7"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace sqms::alerts::notify
