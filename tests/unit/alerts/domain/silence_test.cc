#include "services/alerts/domain/silence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/domain/test_matchers.h"

namespace sqms::alerts::domain {
namespace {

using ::testing::HasSubstr;
using testing::M;

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

const absl::TimeZone kShanghai = Zone("Asia/Shanghai");
const Labels kAlert = {{"alertname", "SqmsComplaintsDown"}, {"service", "complaints"}};

absl::Time Local(int y, int mo, int d, int h, int mi, absl::TimeZone zone = kShanghai) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), zone);
}

Silence ComplaintsSilence() {
  Silence s;
  s.id = "s1";
  s.matchers = {M("service", "=", "complaints")};
  return s;
}

// Every Sunday 01:00–03:00 Shanghai time. 2026-03-08 is a Sunday.
Silence SundayMaintenance() {
  Silence s = ComplaintsSilence();
  s.recurrence = Recurrence{{absl::Weekday::sunday}, 60, absl::Hours(2)};
  return s;
}

TEST(SilenceStateTest, PendingActiveExpired) {
  Silence s = ComplaintsSilence();
  s.starts_at = Local(2026, 3, 8, 1, 0);
  s.ends_at = Local(2026, 3, 8, 3, 0);
  EXPECT_EQ(StateAt(s, s.starts_at - absl::Seconds(1)), SilenceState::kPending);
  EXPECT_EQ(StateAt(s, s.starts_at), SilenceState::kActive);
  EXPECT_EQ(StateAt(s, s.ends_at - absl::Seconds(1)), SilenceState::kActive);
  EXPECT_EQ(StateAt(s, s.ends_at), SilenceState::kExpired);
  EXPECT_EQ(SilenceStateName(StateAt(s, s.ends_at)), "expired");
  EXPECT_EQ(SilenceStateName(SilenceState::kPending), "pending");
  EXPECT_EQ(SilenceStateName(SilenceState::kActive), "active");
}

TEST(MutesTest, AnActiveSilenceMutesMatchingAlertsOnly) {
  Silence s = ComplaintsSilence();
  s.starts_at = Local(2026, 3, 8, 1, 0);
  s.ends_at = Local(2026, 3, 8, 3, 0);
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 8, 2, 0), kShanghai));
  EXPECT_FALSE(Mutes(s, {{"service", "metrics"}}, Local(2026, 3, 8, 2, 0), kShanghai));
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 0, 59), kShanghai));  // pending
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 3, 0), kShanghai));   // expired
}

TEST(MutesTest, RecurringSundayWindowInShanghai) {
  const Silence s = SundayMaintenance();
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 0, 59), kShanghai));
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 8, 1, 0), kShanghai));
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 8, 2, 59), kShanghai));
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 3, 0), kShanghai));
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 15, 1, 30), kShanghai));  // next Sunday
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 9, 1, 30), kShanghai));  // Monday
  // Live between windows, but not muting.
  EXPECT_EQ(StateAt(s, Local(2026, 3, 9, 1, 30)), SilenceState::kActive);
}

TEST(MutesTest, TheWindowIsLocalTimeNotUtc) {
  const Silence s = SundayMaintenance();
  // 01:30 UTC on Sunday is 09:30 in Shanghai: outside the window.
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 1, 30, absl::UTCTimeZone()), kShanghai));
  // Saturday 17:30 UTC is Sunday 01:30 in Shanghai: inside.
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 7, 17, 30, absl::UTCTimeZone()), kShanghai));
}

TEST(MutesTest, AWindowCrossingMidnightCountsOnTheNextDay) {
  Silence s = ComplaintsSilence();
  s.recurrence =
      Recurrence{{absl::Weekday::saturday}, 23 * 60, absl::Hours(2)};  // Sat 23:00–Sun 01:00
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 7, 22, 59), kShanghai));
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 7, 23, 0), kShanghai));
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 8, 0, 30), kShanghai));  // Sunday, begun Saturday
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 1, 0), kShanghai));
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 23, 30), kShanghai));  // Sunday evening
}

TEST(MuteEndsAtTest, AOneOffSilenceEndsAtItsEnd) {
  Silence s = ComplaintsSilence();
  s.starts_at = Local(2026, 3, 8, 1, 0);
  s.ends_at = Local(2026, 3, 8, 3, 0);
  EXPECT_EQ(MuteEndsAt(s, Local(2026, 3, 8, 2, 0), kShanghai), s.ends_at);
}

TEST(MuteEndsAtTest, AMaintenanceWindowEndsAtTheEndOfTheWindowOpenNow) {
  Silence s = SundayMaintenance();
  EXPECT_EQ(MuteEndsAt(s, Local(2026, 3, 8, 1, 30), kShanghai), Local(2026, 3, 8, 3, 0));
  // Across midnight: the window begun the day before.
  s.recurrence = Recurrence{{absl::Weekday::saturday}, 23 * 60, absl::Hours(2)};
  EXPECT_EQ(MuteEndsAt(s, Local(2026, 3, 8, 0, 30), kShanghai), Local(2026, 3, 8, 1, 0));
  // Never after the silence itself ends.
  s.ends_at = Local(2026, 3, 8, 0, 45);
  EXPECT_EQ(MuteEndsAt(s, Local(2026, 3, 8, 0, 30), kShanghai), s.ends_at);
}

TEST(MutesTest, NoWeekdaysMeansEveryDay) {
  Silence s = ComplaintsSilence();
  s.recurrence = Recurrence{{}, 23 * 60, absl::Hours(2)};
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 10, 0, 30), kShanghai));
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 11, 23, 59), kShanghai));
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 11, 12, 0), kShanghai));
}

TEST(MutesTest, ARecurringWindowOnlyWhileTheSilenceIsLive) {
  Silence s = SundayMaintenance();
  s.starts_at = Local(2026, 3, 9, 0, 0);
  s.ends_at = Local(2026, 3, 15, 2, 0);
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 1, 30), kShanghai));  // pending
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 15, 1, 30), kShanghai));
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 15, 2, 30), kShanghai));  // expired mid-window
}

TEST(MutesTest, AWindowOnADstDayLastsItsDuration) {
  const auto ny = Zone("America/New_York");
  Silence s = ComplaintsSilence();
  // Sunday 2026-03-08 01:00 EST; clocks jump 02:00 → 03:00, so two hours
  // later it is 04:00 EDT.
  s.recurrence = Recurrence{{absl::Weekday::sunday}, 60, absl::Hours(2)};
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 8, 3, 30, ny), ny));
  EXPECT_TRUE(Mutes(s, kAlert, Local(2026, 3, 8, 3, 59, ny), ny));
  EXPECT_FALSE(Mutes(s, kAlert, Local(2026, 3, 8, 4, 0, ny), ny));
}

TEST(MutedByTest, TheFirstMutingSilence) {
  Silence expired = ComplaintsSilence();
  expired.id = "old";
  expired.ends_at = Local(2026, 1, 1, 0, 0);
  Silence other = ComplaintsSilence();
  other.id = "metrics";
  other.matchers = {M("service", "=", "metrics")};
  Silence a = ComplaintsSilence();
  a.id = "a";
  Silence b = ComplaintsSilence();
  b.id = "b";
  const std::vector<Silence> silences = {expired, other, a, b};
  const Silence* muted = MutedBy(silences, kAlert, Local(2026, 3, 8, 2, 0), kShanghai);
  ASSERT_NE(muted, nullptr);
  EXPECT_EQ(muted->id, "a");
  EXPECT_EQ(MutedBy(silences, {{"service", "gateway"}}, Local(2026, 3, 8, 2, 0), kShanghai),
            nullptr);
}

TEST(ValidateSilenceTest, RefusesASilenceThatMutesEverything) {
  Silence s = ComplaintsSilence();
  s.matchers = {};
  EXPECT_EQ(ValidateSilence(s).message(), "silence.matchers: at least one matcher is required");
  s.matchers = {M("alertname", "=~", ".*")};
  EXPECT_EQ(ValidateSilence(s).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ValidateSilence(s).message(), HasSubstr("silence.matchers: would mute every alert"));
  s.matchers = {M("region", "=", ""), M("service", "!=", "metrics")};
  EXPECT_THAT(ValidateSilence(s).message(), HasSubstr("silence.matchers: would mute every alert"));
  s.matchers.push_back(M("service", "=~", "comp.*"));
  EXPECT_TRUE(ValidateSilence(s).ok());
}

TEST(ValidateSilenceTest, RefusesASilenceThatTakesEveryAlertname) {
  // Every plan's trigger needs an alertname: these mute every plan.
  const std::vector<std::vector<Matcher>> every_plan = {
      {M("alertname", "=~", ".+")},     {M("alertname", "!=", "")},
      {M("alertname", "!~", "^$")},     {M("alertname", "=~", "[A-Za-z0-9_]+|.+")},
      {M("alertname", "=~", "(?s).+")}, {M("alertname", "=~", ".+"), M("region", "!=", "north")},
  };
  for (const std::vector<Matcher>& matchers : every_plan) {
    Silence s = ComplaintsSilence();
    s.matchers = matchers;
    const absl::Status status = ValidateSilence(s);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << matchers[0].ToString();
    EXPECT_THAT(status.message(), HasSubstr("silence.matchers: would mute every alert"))
        << matchers[0].ToString();
  }
  const std::vector<std::vector<Matcher>> some = {
      {M("alertname", "=~", "Sqms.+")},
      {M("alertname", "=~", "\\S+")},  // not a name with a space
      {M("alertname", "=~", ".+"), M("service", "=", "complaints")},
      {M("alertname", "=", "PlatformOutage")},
  };
  for (const std::vector<Matcher>& matchers : some) {
    Silence s = ComplaintsSilence();
    s.matchers = matchers;
    EXPECT_TRUE(ValidateSilence(s).ok()) << matchers[0].ToString() << ": " << ValidateSilence(s);
  }
}

TEST(ValidateSilenceTest, TimesAndRecurrence) {
  Silence s = ComplaintsSilence();
  EXPECT_TRUE(ValidateSilence(s).ok());
  s.starts_at = Local(2026, 3, 8, 3, 0);
  s.ends_at = s.starts_at;
  EXPECT_EQ(ValidateSilence(s).message(), "silence.ends_at: must be after starts_at");
  s = SundayMaintenance();
  EXPECT_TRUE(ValidateSilence(s).ok());
  s.recurrence->start_minute = 1440;
  EXPECT_THAT(ValidateSilence(s).message(), HasSubstr("silence.recurrence.start: "));
  s.recurrence->start_minute = 1439;
  EXPECT_TRUE(ValidateSilence(s).ok());
  s.recurrence->duration = absl::ZeroDuration();
  EXPECT_THAT(ValidateSilence(s).message(), HasSubstr("silence.recurrence.duration_minutes: "));
  s.recurrence->duration = absl::Hours(24 * 7) + absl::Minutes(1);
  EXPECT_THAT(ValidateSilence(s).message(), HasSubstr("silence.recurrence.duration_minutes: "));
  s.recurrence->duration = absl::Hours(24 * 7);
  EXPECT_TRUE(ValidateSilence(s).ok());
}

}  // namespace
}  // namespace sqms::alerts::domain
