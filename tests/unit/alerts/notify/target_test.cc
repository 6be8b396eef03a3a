// Target kinds, the retry schedule and the token bucket: specifications with
// explicit times and random draws (no clock, no sleeps).

#include "services/alerts/notify/target.h"

#include <gtest/gtest.h>

#include "absl/time/time.h"

namespace sqms::alerts::notify {
namespace {

TEST(TargetKindTest, NamesRoundTrip) {
  for (TargetKind kind : {TargetKind::kGeneric, TargetKind::kDingTalk, TargetKind::kWeCom,
                          TargetKind::kFeishu}) {
    TargetKind parsed = TargetKind::kGeneric;
    ASSERT_TRUE(ParseTargetKind(TargetKindName(kind), &parsed)) << TargetKindName(kind);
    EXPECT_EQ(parsed, kind);
  }
  EXPECT_EQ(TargetKindName(TargetKind::kDingTalk), "dingtalk");
  EXPECT_EQ(TargetKindName(TargetKind::kWeCom), "wecom");
  EXPECT_EQ(TargetKindName(TargetKind::kFeishu), "feishu");
  EXPECT_EQ(TargetKindName(TargetKind::kGeneric), "generic");
}

TEST(TargetKindTest, UnknownNamesAreRejectedAndLeaveOutAlone) {
  TargetKind parsed = TargetKind::kWeCom;
  EXPECT_FALSE(ParseTargetKind("slack", &parsed));
  EXPECT_FALSE(ParseTargetKind("", &parsed));
  EXPECT_FALSE(ParseTargetKind("DingTalk", &parsed));
  EXPECT_EQ(parsed, TargetKind::kWeCom);
}

Target RetryTarget() {
  Target t;
  t.retry_initial = absl::Seconds(1);
  t.retry_max = absl::Seconds(30);
  return t;
}

constexpr double kAlmostOne = 0.999999999;

TEST(RetryDelayTest, DoublesFromTheInitialDelay) {
  Target t = RetryTarget();
  EXPECT_EQ(RetryDelay(t, 1, 0), absl::Milliseconds(500));
  EXPECT_EQ(RetryDelay(t, 2, 0), absl::Seconds(1));
  EXPECT_EQ(RetryDelay(t, 3, 0), absl::Seconds(2));
  EXPECT_EQ(RetryDelay(t, 4, 0), absl::Seconds(4));
  EXPECT_EQ(RetryDelay(t, 5, 0), absl::Seconds(8));
}

TEST(RetryDelayTest, JitterStaysWithinHalfToFull) {
  Target t = RetryTarget();
  for (int attempt = 1; attempt <= 5; ++attempt) {
    absl::Duration base = t.retry_initial * (1 << (attempt - 1));
    EXPECT_EQ(RetryDelay(t, attempt, 0), base / 2) << attempt;
    EXPECT_EQ(RetryDelay(t, attempt, 0.5), base * 3 / 4) << attempt;
    absl::Duration high = RetryDelay(t, attempt, kAlmostOne);
    EXPECT_LE(high, base) << attempt;
    EXPECT_GT(high, base - absl::Milliseconds(1)) << attempt;
  }
}

TEST(RetryDelayTest, IsCappedAtRetryMax) {
  Target t = RetryTarget();
  EXPECT_EQ(RetryDelay(t, 6, 0), absl::Seconds(15));  // 32 s capped to 30
  EXPECT_EQ(RetryDelay(t, 7, 0), absl::Seconds(15));
  EXPECT_LE(RetryDelay(t, 7, kAlmostOne), absl::Seconds(30));
  EXPECT_GT(RetryDelay(t, 7, kAlmostOne), absl::Seconds(29));
}

TEST(RetryDelayTest, HugeAttemptCountsDoNotOverflow) {
  Target t = RetryTarget();
  EXPECT_EQ(RetryDelay(t, 1000, 0), absl::Seconds(15));
  EXPECT_EQ(RetryDelay(t, 2147483647, 0), absl::Seconds(15));
}

TEST(RetryDelayTest, OutOfRangeInputsAreClamped) {
  Target t = RetryTarget();
  EXPECT_EQ(RetryDelay(t, 0, 0), absl::Milliseconds(500));   // as attempt 1
  EXPECT_EQ(RetryDelay(t, 1, -1), absl::Milliseconds(500));  // as 0
  EXPECT_EQ(RetryDelay(t, 1, 7), absl::Seconds(1));          // as 1
}

absl::Time T0() { return absl::FromUnixSeconds(1'800'000'000); }

TEST(RateLimiterTest, BurstsUpToCapacityThenWaits) {
  RateLimiter limiter(60);  // capacity 10, one token a second
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Take(T0()), absl::ZeroDuration()) << i;
  EXPECT_EQ(limiter.Take(T0()), absl::Seconds(1));
  // A refused take takes nothing: asking again still says one second.
  EXPECT_EQ(limiter.Take(T0()), absl::Seconds(1));
  EXPECT_EQ(limiter.Take(T0() + absl::Milliseconds(250)), absl::Milliseconds(750));
}

TEST(RateLimiterTest, APauseGivesNoTokenUntilItEnds) {
  RateLimiter limiter(60);  // a full bucket
  limiter.PauseUntil(T0() + absl::Minutes(10));
  limiter.PauseUntil(T0() + absl::Minutes(1));  // an earlier end changes nothing
  EXPECT_EQ(limiter.Take(T0()), absl::Minutes(10));
  EXPECT_EQ(limiter.Take(T0() + absl::Minutes(9)), absl::Minutes(1));
  EXPECT_EQ(limiter.Take(T0() + absl::Minutes(10)), absl::ZeroDuration());
}

TEST(RateLimiterTest, WaitingTheAnswerYieldsAToken) {
  RateLimiter limiter(7);  // capacity 1 (7/6 rounds nothing up), 7 a minute
  absl::Time now = T0();
  ASSERT_EQ(limiter.Take(now), absl::ZeroDuration());
  for (int i = 0; i < 20; ++i) {
    absl::Duration wait = limiter.Take(now);
    ASSERT_GT(wait, absl::ZeroDuration());
    EXPECT_LE(wait, absl::Seconds(60.0 / 7) + absl::Microseconds(1));
    now += wait;
    EXPECT_EQ(limiter.Take(now), absl::ZeroDuration()) << i;
  }
}

TEST(RateLimiterTest, RefillsAtTheRateUpToCapacity) {
  RateLimiter limiter(60);
  for (int i = 0; i < 10; ++i) limiter.Take(T0());
  // Three seconds give three tokens, not more.
  absl::Time later = T0() + absl::Seconds(3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take(later), absl::ZeroDuration()) << i;
  EXPECT_EQ(limiter.Take(later), absl::Seconds(1));
  // An hour idle refills only to capacity.
  absl::Time much_later = later + absl::Hours(1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Take(much_later), absl::ZeroDuration()) << i;
  EXPECT_GT(limiter.Take(much_later), absl::ZeroDuration());
}

TEST(RateLimiterTest, SlowRatesStillAllowOneAtOnce) {
  RateLimiter limiter(1);  // capacity max(1, 1/6) = 1
  EXPECT_EQ(limiter.Take(T0()), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take(T0()), absl::Minutes(1));
  EXPECT_EQ(limiter.Take(T0() + absl::Seconds(59)), absl::Seconds(1));
  EXPECT_EQ(limiter.Take(T0() + absl::Minutes(1)), absl::ZeroDuration());
}

TEST(RateLimiterTest, AClockSteppingBackRefillsNothing) {
  RateLimiter limiter(6);  // capacity 1, one token per 10 s
  ASSERT_EQ(limiter.Take(T0()), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take(T0() - absl::Hours(1)), absl::Seconds(10));
  EXPECT_EQ(limiter.Take(T0() + absl::Seconds(4)), absl::Seconds(6));
  EXPECT_EQ(limiter.Take(T0() + absl::Seconds(10)), absl::ZeroDuration());
}

}  // namespace
}  // namespace sqms::alerts::notify
