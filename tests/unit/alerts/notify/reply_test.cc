// JudgeReply: a robot's HTTP 200 is a delivery only when its body's code
// says so; the answers are the robots' documented ones.

#include "services/alerts/notify/reply.h"

#include <gtest/gtest.h>

#include <string>

namespace sqms::alerts::notify {
namespace {

TEST(JudgeReplyTest, ADingTalkOrWeComRobotsErrcodeZeroIsADelivery) {
  for (TargetKind kind : {TargetKind::kDingTalk, TargetKind::kWeCom}) {
    ReplyVerdict v = JudgeReply(kind, 200, R"({"errcode":0,"errmsg":"ok"})");
    EXPECT_TRUE(v.delivered) << TargetKindName(kind);
    EXPECT_EQ(v.error, "");
  }
}

TEST(JudgeReplyTest, ADingTalkRefusalAnsweredWith200IsAFailedAttemptNamingTheCode) {
  ReplyVerdict v = JudgeReply(TargetKind::kDingTalk, 200,
                              R"({"errcode":310000,"errmsg":"keywords not in content"})");
  EXPECT_FALSE(v.delivered);
  EXPECT_EQ(v.error, "errcode 310000: keywords not in content");
  EXPECT_EQ(JudgeReply(TargetKind::kDingTalk, 200, R"({"errcode":410100})").error,
            "errcode 410100");
}

TEST(JudgeReplyTest, AWeComThrottleAnsweredWith200IsAFailedAttempt) {
  ReplyVerdict v =
      JudgeReply(TargetKind::kWeCom, 200, R"({"errcode":45009,"errmsg":"api freq out of limit"})");
  EXPECT_FALSE(v.delivered);
  EXPECT_EQ(v.error, "errcode 45009: api freq out of limit");
}

TEST(JudgeReplyTest, AFeishuBotSucceedsWithCodeOrStatusCodeZero) {
  EXPECT_TRUE(
      JudgeReply(TargetKind::kFeishu, 200, R"({"code":0,"msg":"success","data":{}})").delivered);
  EXPECT_TRUE(JudgeReply(TargetKind::kFeishu, 200, R"({"StatusCode":0,"StatusMessage":"success"})")
                  .delivered)
      << "older bots";
  EXPECT_TRUE(JudgeReply(TargetKind::kFeishu, 200,
                         R"({"StatusCode":0,"StatusMessage":"success","code":0,"msg":"success"})")
                  .delivered);
}

TEST(JudgeReplyTest, AFeishuRefusalIsAFailedAttemptNamingTheCode) {
  ReplyVerdict v = JudgeReply(
      TargetKind::kFeishu, 200,
      R"({"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time","data":{}})");
  EXPECT_FALSE(v.delivered);
  EXPECT_EQ(v.error,
            "code 19021: sign match fail or timestamp is not within one hour from current time");
  EXPECT_EQ(JudgeReply(TargetKind::kFeishu, 200,
                       R"({"StatusCode":11232,"StatusMessage":"frequency limited"})")
                .error,
            "StatusCode 11232: frequency limited");
  EXPECT_FALSE(JudgeReply(TargetKind::kFeishu, 200, R"({"code":9499,"StatusCode":0})").delivered)
      << "every code present must be 0";
}

// A robot's reply that cannot say the message reached the group (a proxy's
// page, an empty body, another robot's format) is no delivery.
TEST(JudgeReplyTest, ARobotsReplyWithoutItsCodeIsNotADelivery) {
  for (const char* body : {"", "<html>ok</html>", "[]", R"({"errcode":"0"})", R"({"ok":true})"}) {
    ReplyVerdict v = JudgeReply(TargetKind::kDingTalk, 200, body);
    EXPECT_FALSE(v.delivered) << body;
    EXPECT_TRUE(v.error.starts_with("2xx without an errcode in the body")) << v.error;
  }
  ReplyVerdict feishu = JudgeReply(TargetKind::kFeishu, 200, R"({"errcode":0,"errmsg":"ok"})");
  EXPECT_FALSE(feishu.delivered);
  EXPECT_EQ(feishu.error,
            R"(2xx without a code or StatusCode in the body: {"errcode":0,"errmsg":"ok"})");
}

TEST(JudgeReplyTest, AGenericWebhookIsDeliveredOnAny2xxWhateverItsBody) {
  EXPECT_TRUE(JudgeReply(TargetKind::kGeneric, 200, "").delivered);
  EXPECT_TRUE(JudgeReply(TargetKind::kGeneric, 204, R"({"errcode":310000})").delivered);
  EXPECT_FALSE(JudgeReply(TargetKind::kGeneric, 302, "").delivered);
}

TEST(JudgeReplyTest, ANon2xxFailsForEveryKindWithTheStartOfItsBody) {
  for (TargetKind kind :
       {TargetKind::kGeneric, TargetKind::kDingTalk, TargetKind::kWeCom, TargetKind::kFeishu}) {
    ReplyVerdict v = JudgeReply(kind, 503, R"({"errcode":0,"errmsg":"ok"})");
    EXPECT_FALSE(v.delivered) << TargetKindName(kind);
    EXPECT_EQ(v.error, R"({"errcode":0,"errmsg":"ok"})");
  }
  EXPECT_EQ(JudgeReply(TargetKind::kGeneric, 500, std::string(300, 'x')).error.size(), 200u);
}

TEST(JudgeReplyTest, ALongErrorIsCutOnACharacterBoundary) {
  std::string message;
  for (int i = 0; i < 100; ++i) message += "\xE5\x85\xB3";  // 关, 3 bytes
  ReplyVerdict v =
      JudgeReply(TargetKind::kWeCom, 200, "{\"errcode\":93000,\"errmsg\":\"" + message + "\"}");
  EXPECT_FALSE(v.delivered);
  EXPECT_LE(v.error.size(), 200u);
  EXPECT_TRUE(v.error.starts_with("errcode 93000: \xE5\x85\xB3"));
  // "errcode 93000: " is 15 bytes; whole characters of 3 bytes after it.
  EXPECT_EQ((v.error.size() - 15) % 3, 0u);
}

// The robots' "too fast" answers and HTTP 429 are throttles, each with how
// long the target blocks; every other refusal is none.
TEST(JudgeReplyTest, ARobotsTooFastAnswerIsAThrottleOfTheTimeItBlocks) {
  EXPECT_EQ(JudgeReply(TargetKind::kDingTalk, 200, R"({"errcode":130101,"errmsg":"send too fast"})")
                .throttled,
            absl::Minutes(10));
  EXPECT_EQ(JudgeReply(TargetKind::kDingTalk, 200, R"({"errcode":410100})").throttled,
            absl::Minutes(10));
  EXPECT_EQ(JudgeReply(TargetKind::kWeCom, 200, R"({"errcode":45009})").throttled,
            absl::Minutes(1));
  EXPECT_EQ(
      JudgeReply(TargetKind::kFeishu, 200, R"({"code":9499,"msg":"Too Many Request"})").throttled,
      absl::Minutes(1));
  EXPECT_EQ(JudgeReply(TargetKind::kFeishu, 200, R"({"code":11232})").throttled, absl::Minutes(1));
  // Codes of one robot mean nothing to another, and other refusals are no throttle.
  EXPECT_EQ(JudgeReply(TargetKind::kWeCom, 200, R"({"errcode":130101})").throttled,
            absl::ZeroDuration());
  EXPECT_EQ(JudgeReply(TargetKind::kDingTalk, 200, R"({"errcode":310000})").throttled,
            absl::ZeroDuration());
  EXPECT_EQ(JudgeReply(TargetKind::kGeneric, 503, "").throttled, absl::ZeroDuration());
}

TEST(JudgeReplyTest, A429IsAThrottleForItsRetryAfterOrAMinute) {
  for (TargetKind kind : {TargetKind::kGeneric, TargetKind::kDingTalk, TargetKind::kFeishu}) {
    const ReplyVerdict v = JudgeReply(kind, 429, "slow down", "30");
    EXPECT_FALSE(v.delivered);
    EXPECT_EQ(v.throttled, absl::Seconds(30));
  }
  EXPECT_EQ(JudgeReply(TargetKind::kGeneric, 429, "").throttled, absl::Minutes(1));
  EXPECT_EQ(JudgeReply(TargetKind::kGeneric, 429, "", "Wed, 21 Oct 2026 07:28:00 GMT").throttled,
            absl::Minutes(1));
  EXPECT_EQ(JudgeReply(TargetKind::kGeneric, 429, "", "0").throttled, absl::Minutes(1));
  EXPECT_EQ(JudgeReply(TargetKind::kGeneric, 429, "", "86400").throttled, absl::Minutes(1));
}

Target DingTalkRobot() {
  Target t;
  t.id = "duty-group";
  t.kind = TargetKind::kDingTalk;
  t.max_attempts = 5;
  t.retry_initial = absl::Seconds(1);
  t.retry_max = absl::Minutes(5);
  return t;
}

absl::Time Created() { return absl::FromUnixSeconds(1'800'000'000); }

// A storm: the robot blocks for 10 minutes. Its attempts are spent, yet the
// page waits out the block instead of failing, and is not sent again before
// the block ends.
TEST(AfterFailedAttemptTest, AThrottledPageWaitsOutTheBlockInsteadOfFailing) {
  const ReplyVerdict throttle =
      JudgeReply(TargetKind::kDingTalk, 200, R"({"errcode":130101,"errmsg":"send too fast"})");
  absl::Time now = Created();
  for (int attempt = 1; attempt <= 5; ++attempt) {
    const NextAttempt next =
        AfterFailedAttempt(DingTalkRobot(), attempt, throttle, Created(), now, 0.5);
    ASSERT_FALSE(next.give_up) << attempt;
    EXPECT_GE(next.retry_at, now + absl::Minutes(10)) << attempt;
    now = next.retry_at;
  }
}

TEST(AfterFailedAttemptTest, AThrottleHoldsADeliveryOnlyWithinThePatience) {
  const ReplyVerdict throttle = JudgeReply(TargetKind::kWeCom, 200, R"({"errcode":45009})");
  const absl::Time late = Created() + kThrottlePatience;
  EXPECT_TRUE(AfterFailedAttempt(DingTalkRobot(), 5, throttle, Created(), late, 0.5).give_up);
  EXPECT_FALSE(AfterFailedAttempt(DingTalkRobot(), 4, throttle, Created(), late, 0.5).give_up);
  // A delivery stored before creation times were kept: the attempts decide.
  EXPECT_TRUE(AfterFailedAttempt(DingTalkRobot(), 5, throttle, absl::InfinitePast(), Created(), 0.5)
                  .give_up);
}

TEST(AfterFailedAttemptTest, OtherFailuresAreRetriedWithBackoffUpToMaxAttempts) {
  const ReplyVerdict refused = JudgeReply(TargetKind::kDingTalk, 200, R"({"errcode":310000})");
  const NextAttempt first =
      AfterFailedAttempt(DingTalkRobot(), 1, refused, Created(), Created(), 0.0);
  EXPECT_FALSE(first.give_up);
  EXPECT_EQ(first.retry_at, Created() + RetryDelay(DingTalkRobot(), 1, 0.0));
  EXPECT_FALSE(AfterFailedAttempt(DingTalkRobot(), 4, refused, Created(), Created(), 0.0).give_up);
  EXPECT_TRUE(AfterFailedAttempt(DingTalkRobot(), 5, refused, Created(), Created(), 0.0).give_up);
}

}  // namespace
}  // namespace sqms::alerts::notify
