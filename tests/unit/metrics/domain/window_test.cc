#include "services/metrics/domain/window.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"

namespace sqms::metrics::domain {
namespace {

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

const absl::TimeZone kShanghai = Zone("Asia/Shanghai");  // UTC+8, no DST
const absl::TimeZone kBerlin = Zone("Europe/Berlin");    // CET +1 / CEST +2

absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}
// A Shanghai wall-clock time (never ambiguous there).
absl::Time Sh(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), kShanghai);
}

Window W(WindowSize size, absl::Time start, absl::Time end) { return Window{size, start, end}; }

TEST(CoveredTest, From1970UpTo9000) {
  EXPECT_TRUE(Covered(Utc(1970, 1, 1)));
  EXPECT_FALSE(Covered(Utc(1970, 1, 1) - absl::Nanoseconds(1)));
  EXPECT_TRUE(Covered(Utc(8999, 12, 31, 23, 59, 59)));
  EXPECT_FALSE(Covered(Utc(9000, 1, 1)));
  EXPECT_EQ(kCoveredUntil, Utc(9000, 1, 1));
  // A window is covered when all of it is: Shanghai's first day of 1970
  // began eight hours before the epoch.
  EXPECT_FALSE(Covered(WindowOf(Utc(1970, 1, 1), WindowSize::kDay, kShanghai)));
  EXPECT_TRUE(Covered(WindowOf(Utc(1970, 1, 2), WindowSize::kDay, kShanghai)));
  // The last quarter of 8999 ends at 9000-01-01 local time: still covered
  // east of Greenwich, not west of it.
  EXPECT_TRUE(Covered(WindowOf(Utc(8999, 12, 1), WindowSize::kQuarter, kBerlin)));
  EXPECT_FALSE(
      Covered(WindowOf(Utc(8999, 12, 1), WindowSize::kQuarter, Zone("America/New_York"))));
}

TEST(WindowSizeTest, NamesRoundTripSmallestFirst) {
  ASSERT_EQ(AllWindowSizes().size(), 6u);
  EXPECT_EQ(AllWindowSizes().front(), WindowSize::kMinute);
  EXPECT_EQ(AllWindowSizes().back(), WindowSize::kQuarter);
  for (WindowSize size : AllWindowSizes()) {
    EXPECT_EQ(ParseWindowSize(WindowSizeName(size)), size);
  }
  EXPECT_EQ(WindowSizeName(WindowSize::kWeek), "week");
  EXPECT_EQ(ParseWindowSize("year"), std::nullopt);
}

// 2026-12-02 is a Wednesday.
TEST(WindowOfTest, EverySizeInShanghai) {
  const absl::Time t = Sh(2026, 12, 2, 10, 5, 30);
  EXPECT_EQ(WindowOf(t, WindowSize::kMinute, kShanghai),
            W(WindowSize::kMinute, Sh(2026, 12, 2, 10, 5), Sh(2026, 12, 2, 10, 6)));
  EXPECT_EQ(WindowOf(t, WindowSize::kHour, kShanghai),
            W(WindowSize::kHour, Sh(2026, 12, 2, 10), Sh(2026, 12, 2, 11)));
  EXPECT_EQ(WindowOf(t, WindowSize::kDay, kShanghai),
            W(WindowSize::kDay, Sh(2026, 12, 2), Sh(2026, 12, 3)));
  EXPECT_EQ(WindowOf(t, WindowSize::kWeek, kShanghai),
            W(WindowSize::kWeek, Sh(2026, 11, 30), Sh(2026, 12, 7)));
  EXPECT_EQ(WindowOf(t, WindowSize::kMonth, kShanghai),
            W(WindowSize::kMonth, Sh(2026, 12, 1), Sh(2027, 1, 1)));
  EXPECT_EQ(WindowOf(t, WindowSize::kQuarter, kShanghai),
            W(WindowSize::kQuarter, Sh(2026, 10, 1), Sh(2027, 1, 1)));
}

TEST(WindowOfTest, LabelsOfEverySize) {
  const absl::Time t = Sh(2026, 12, 2, 10, 5, 30);
  const auto label = [&](WindowSize size) {
    return WindowLabel(WindowOf(t, size, kShanghai), kShanghai);
  };
  EXPECT_EQ(label(WindowSize::kMinute), "2026-12-02T10:05");
  EXPECT_EQ(label(WindowSize::kHour), "2026-12-02T10");
  EXPECT_EQ(label(WindowSize::kDay), "2026-12-02");
  EXPECT_EQ(label(WindowSize::kWeek), "2026-W49");
  EXPECT_EQ(label(WindowSize::kMonth), "2026-12");
  EXPECT_EQ(label(WindowSize::kQuarter), "2026-Q4");
}

TEST(WindowOfTest, TheDayIsTheZonesDayNotUtcs) {
  // 16:00 UTC is midnight in Shanghai: the next local day begins.
  EXPECT_EQ(WindowOf(Utc(2026, 12, 2, 15, 59, 59), WindowSize::kDay, kShanghai).start,
            Utc(2026, 12, 1, 16));
  EXPECT_EQ(WindowOf(Utc(2026, 12, 2, 16), WindowSize::kDay, kShanghai).start,
            Utc(2026, 12, 2, 16));
}

TEST(WindowOfTest, StartIsInclusiveEndExclusive) {
  const Window day = WindowOf(Sh(2026, 12, 2), WindowSize::kDay, kShanghai);
  EXPECT_EQ(day.start, Sh(2026, 12, 2));
  EXPECT_EQ(WindowOf(day.end, WindowSize::kDay, kShanghai).start, day.end);
  EXPECT_EQ(WindowOf(day.end - absl::Nanoseconds(1), WindowSize::kDay, kShanghai), day);
}

TEST(WindowOfTest, MonthEnds) {
  // January has 31 days, February 2026 has 28, February 2028 has 29.
  const Window jan = WindowOf(Sh(2026, 1, 31, 23, 59, 59), WindowSize::kMonth, kShanghai);
  EXPECT_EQ(jan, W(WindowSize::kMonth, Sh(2026, 1, 1), Sh(2026, 2, 1)));
  const Window feb = WindowOf(Sh(2026, 2, 1), WindowSize::kMonth, kShanghai);
  EXPECT_EQ(feb.end - feb.start, absl::Hours(28 * 24));
  EXPECT_EQ(WindowLabel(feb, kShanghai), "2026-02");
  const Window leap = WindowOf(Sh(2028, 2, 29, 12), WindowSize::kMonth, kShanghai);
  EXPECT_EQ(leap.end - leap.start, absl::Hours(29 * 24));
  // The last second of a month in the zone is still that month.
  EXPECT_EQ(WindowLabel(WindowOf(Sh(2026, 4, 30, 23, 59, 59), WindowSize::kMonth, kShanghai),
                        kShanghai),
            "2026-04");
  EXPECT_EQ(WindowLabel(WindowOf(Sh(2026, 5, 1), WindowSize::kMonth, kShanghai), kShanghai),
            "2026-05");
}

TEST(WindowOfTest, QuartersStartOnJanuaryAprilJulyOctoberFirst) {
  const auto quarter = [](absl::Time t) { return WindowOf(t, WindowSize::kQuarter, kShanghai); };
  EXPECT_EQ(quarter(Sh(2026, 3, 31, 23, 59, 59)),
            W(WindowSize::kQuarter, Sh(2026, 1, 1), Sh(2026, 4, 1)));
  EXPECT_EQ(quarter(Sh(2026, 4, 1)), W(WindowSize::kQuarter, Sh(2026, 4, 1), Sh(2026, 7, 1)));
  EXPECT_EQ(quarter(Sh(2026, 9, 30, 12)), W(WindowSize::kQuarter, Sh(2026, 7, 1), Sh(2026, 10, 1)));
  EXPECT_EQ(quarter(Sh(2026, 10, 1)), W(WindowSize::kQuarter, Sh(2026, 10, 1), Sh(2027, 1, 1)));
  EXPECT_EQ(WindowLabel(quarter(Sh(2026, 5, 20)), kShanghai), "2026-Q2");
  EXPECT_EQ(WindowLabel(quarter(Sh(2026, 8, 20)), kShanghai), "2026-Q3");
  EXPECT_EQ(WindowLabel(quarter(Sh(2026, 2, 20)), kShanghai), "2026-Q1");
}

TEST(WindowOfTest, YearEndAndIsoWeek53) {
  // 2026 begins on a Thursday, so it has 53 ISO weeks: W53 runs from Monday
  // 2026-12-28 to Sunday 2027-01-03, and 2027-W01 begins on 2027-01-04.
  const Window w53 = WindowOf(Sh(2026, 12, 31, 23, 59, 59), WindowSize::kWeek, kShanghai);
  EXPECT_EQ(w53, W(WindowSize::kWeek, Sh(2026, 12, 28), Sh(2027, 1, 4)));
  EXPECT_EQ(WindowLabel(w53, kShanghai), "2026-W53");
  EXPECT_EQ(WindowOf(Sh(2027, 1, 1), WindowSize::kWeek, kShanghai), w53);
  EXPECT_EQ(WindowOf(Sh(2027, 1, 3, 23), WindowSize::kWeek, kShanghai), w53);
  const Window w01 = WindowOf(Sh(2027, 1, 4), WindowSize::kWeek, kShanghai);
  EXPECT_EQ(WindowLabel(w01, kShanghai), "2027-W01");
  EXPECT_EQ(NextWindow(w53, kShanghai), w01);
  // 2026-W01 begins in 2025: Monday 2025-12-29.
  const Window first = WindowOf(Sh(2025, 12, 29), WindowSize::kWeek, kShanghai);
  EXPECT_EQ(WindowLabel(first, kShanghai), "2026-W01");
  EXPECT_EQ(first.start, Sh(2025, 12, 29));
  // 2025 began on a Wednesday and is no leap year: 52 weeks.
  EXPECT_EQ(WindowLabel(WindowOf(Sh(2025, 12, 28), WindowSize::kWeek, kShanghai), kShanghai),
            "2025-W52");
  // The day, month and quarter of the same instant still change at New Year.
  EXPECT_EQ(WindowLabel(WindowOf(Sh(2027, 1, 1), WindowSize::kDay, kShanghai), kShanghai),
            "2027-01-01");
  EXPECT_EQ(WindowLabel(WindowOf(Sh(2027, 1, 1), WindowSize::kQuarter, kShanghai), kShanghai),
            "2027-Q1");
}

// Berlin springs forward on 2026-03-29 at 01:00 UTC: 02:00 CET becomes
// 03:00 CEST, so the local hour 02 does not exist and the day has 23 hours.
TEST(WindowDstTest, SpringForwardDayHas23Hours) {
  const Window day = WindowOf(Utc(2026, 3, 29, 12), WindowSize::kDay, kBerlin);
  EXPECT_EQ(day, W(WindowSize::kDay, Utc(2026, 3, 28, 23), Utc(2026, 3, 29, 22)));
  EXPECT_EQ(day.end - day.start, absl::Hours(23));
  EXPECT_EQ(WindowLabel(day, kBerlin), "2026-03-29");
}

TEST(WindowDstTest, SpringForwardSkipsTheMissingHour) {
  const Window one = WindowOf(Utc(2026, 3, 29, 0, 30), WindowSize::kHour, kBerlin);
  EXPECT_EQ(one, W(WindowSize::kHour, Utc(2026, 3, 29, 0), Utc(2026, 3, 29, 1)));
  EXPECT_EQ(WindowLabel(one, kBerlin), "2026-03-29T01");
  const Window three = NextWindow(one, kBerlin);
  EXPECT_EQ(three, W(WindowSize::kHour, Utc(2026, 3, 29, 1), Utc(2026, 3, 29, 2)));
  EXPECT_EQ(WindowLabel(three, kBerlin), "2026-03-29T03");
  EXPECT_EQ(PreviousWindow(three, kBerlin), one);
  EXPECT_EQ(ParseWindowLabel("2026-03-29T02", WindowSize::kHour, kBerlin), std::nullopt);
  // Minutes: 01:59 CET is followed by 03:00 CEST.
  const Window last = WindowOf(Utc(2026, 3, 29, 0, 59, 30), WindowSize::kMinute, kBerlin);
  EXPECT_EQ(WindowLabel(last, kBerlin), "2026-03-29T01:59");
  EXPECT_EQ(WindowLabel(NextWindow(last, kBerlin), kBerlin), "2026-03-29T03:00");
  EXPECT_EQ(NextWindow(last, kBerlin).start, Utc(2026, 3, 29, 1));
}

// Berlin falls back on 2026-10-25 at 01:00 UTC: 03:00 CEST becomes
// 02:00 CET, so the local hour 02 happens twice and the day has 25 hours.
TEST(WindowDstTest, FallBackDayHas25Hours) {
  const Window day = WindowOf(Utc(2026, 10, 25, 12), WindowSize::kDay, kBerlin);
  EXPECT_EQ(day, W(WindowSize::kDay, Utc(2026, 10, 24, 22), Utc(2026, 10, 25, 23)));
  EXPECT_EQ(day.end - day.start, absl::Hours(25));
  // The week and the month around it carry the extra hour too.
  const Window week = WindowOf(Utc(2026, 10, 25, 12), WindowSize::kWeek, kBerlin);
  EXPECT_EQ(week, W(WindowSize::kWeek, Utc(2026, 10, 18, 22), Utc(2026, 10, 25, 23)));
  EXPECT_EQ(WindowLabel(week, kBerlin), "2026-W43");
  const Window month = WindowOf(Utc(2026, 10, 25, 12), WindowSize::kMonth, kBerlin);
  EXPECT_EQ(month, W(WindowSize::kMonth, Utc(2026, 9, 30, 22), Utc(2026, 10, 31, 23)));
}

TEST(WindowDstTest, TheRepeatedHourIsOneTwoHourWindow) {
  // Both passes through 02:xx local are the window "2026-10-25T02".
  const Window first = WindowOf(Utc(2026, 10, 25, 0, 30), WindowSize::kHour, kBerlin);
  const Window second = WindowOf(Utc(2026, 10, 25, 1, 30), WindowSize::kHour, kBerlin);
  EXPECT_EQ(first, W(WindowSize::kHour, Utc(2026, 10, 25, 0), Utc(2026, 10, 25, 2)));
  EXPECT_EQ(second, first);
  EXPECT_EQ(WindowLabel(first, kBerlin), "2026-10-25T02");
  EXPECT_EQ(ParseWindowLabel("2026-10-25T02", WindowSize::kHour, kBerlin), first);
  const Window three = NextWindow(first, kBerlin);
  EXPECT_EQ(three, W(WindowSize::kHour, Utc(2026, 10, 25, 2), Utc(2026, 10, 25, 3)));
  EXPECT_EQ(WindowLabel(three, kBerlin), "2026-10-25T03");
  EXPECT_EQ(PreviousWindow(three, kBerlin), first);
}

TEST(WindowDstTest, TheRepeatedMinutesBelongToTheLastMinuteBeforeTheChange) {
  // Minute windows keep unique labels: the second pass through 02:00–02:59
  // stays in "02:59", which runs until the clock first reads 03:00.
  const Window first = WindowOf(Utc(2026, 10, 25, 0, 30), WindowSize::kMinute, kBerlin);
  EXPECT_EQ(first, W(WindowSize::kMinute, Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 0, 31)));
  const Window last = WindowOf(Utc(2026, 10, 25, 1, 30), WindowSize::kMinute, kBerlin);
  EXPECT_EQ(last, W(WindowSize::kMinute, Utc(2026, 10, 25, 0, 59), Utc(2026, 10, 25, 2)));
  EXPECT_EQ(WindowLabel(last, kBerlin), "2026-10-25T02:59");
  EXPECT_EQ(WindowOf(Utc(2026, 10, 25, 1), WindowSize::kMinute, kBerlin), last);
  EXPECT_EQ(WindowLabel(NextWindow(last, kBerlin), kBerlin), "2026-10-25T03:00");
}

// Every window contains its instant, follows its predecessor without gap or
// overlap, and its label parses back to it — in both zones, every size,
// through both clock changes and the year end.
TEST(WindowPropertyTest, WindowsTileTheTimeLineAndLabelsRoundTrip) {
  for (const absl::TimeZone& zone : {kShanghai, kBerlin}) {
    for (WindowSize size : AllWindowSizes()) {
      SCOPED_TRACE(WindowSizeName(size));
      for (absl::Time t = Utc(2026, 3, 28); t < Utc(2026, 3, 30); t += absl::Minutes(7)) {
        const Window w = WindowOf(t, size, zone);
        ASSERT_TRUE(w.start <= t && t < w.end) << t;
        ASSERT_EQ(NextWindow(w, zone).start, w.end) << t;
        ASSERT_EQ(PreviousWindow(NextWindow(w, zone), zone), w) << t;
        ASSERT_EQ(ParseWindowLabel(WindowLabel(w, zone), size, zone), w) << WindowLabel(w, zone);
      }
      for (absl::Time t = Utc(2026, 10, 24); t < Utc(2026, 10, 26); t += absl::Minutes(7)) {
        const Window w = WindowOf(t, size, zone);
        ASSERT_TRUE(w.start <= t && t < w.end) << t;
        ASSERT_EQ(NextWindow(w, zone).start, w.end) << t;
        ASSERT_EQ(ParseWindowLabel(WindowLabel(w, zone), size, zone), w) << WindowLabel(w, zone);
      }
      for (absl::Time t = Utc(2025, 12, 20); t < Utc(2027, 1, 10); t += absl::Hours(5)) {
        const Window w = WindowOf(t, size, zone);
        ASSERT_TRUE(w.start <= t && t < w.end) << t;
        ASSERT_EQ(NextWindow(w, zone).start, w.end) << t;
        ASSERT_EQ(ParseWindowLabel(WindowLabel(w, zone), size, zone), w) << WindowLabel(w, zone);
      }
    }
  }
}

// What the metrics roll-up (adapters/cell_roll_up.h) relies on: windows
// nest — an hour lies inside the day holding its start, a day inside its
// week and its month, a month inside its quarter — and every boundary is a
// whole unix minute, so a unix minute lies in one window of every size.
// Two years of every hour, in zones whose clocks change at 02:00 (Berlin),
// by half an hour (Lord Howe), at midnight (Santiago, Havana), or sit at a
// half-hour offset (Kolkata).
TEST(WindowPropertyTest, WindowsNestInTheLargerSizesAndStartOnWholeMinutes) {
  const std::pair<WindowSize, WindowSize> kInside[] = {
      {WindowSize::kMinute, WindowSize::kHour}, {WindowSize::kHour, WindowSize::kDay},
      {WindowSize::kDay, WindowSize::kWeek},    {WindowSize::kDay, WindowSize::kMonth},
      {WindowSize::kMonth, WindowSize::kQuarter}};
  for (const char* name : {"Asia/Shanghai", "Europe/Berlin", "Australia/Lord_Howe",
                           "America/Santiago", "America/Havana", "Asia/Kolkata"}) {
    SCOPED_TRACE(name);
    const absl::TimeZone zone = Zone(name);
    for (const auto& [small, large] : kInside) {
      SCOPED_TRACE(WindowSizeName(small));
      const WindowSize outer_size = large;  // clang 14 captures no structured binding
      const auto check = [&](const Window& w) {
        const Window outer = WindowOf(w.start, outer_size, zone);
        ASSERT_EQ(absl::ToUnixSeconds(w.start) % 60, 0) << WindowLabel(w, zone);
        ASSERT_EQ(absl::ToUnixSeconds(outer.start) % 60, 0) << WindowLabel(outer, zone);
        ASSERT_TRUE(outer.start <= w.start && w.end <= outer.end)
            << WindowLabel(w, zone) << " in " << WindowLabel(outer, zone);
      };
      if (small == WindowSize::kMinute) {
        // Sampled every 37 minutes: every minute of the hour in turn.
        for (absl::Time t = Utc(2025, 1, 1); t < Utc(2027, 1, 1); t += absl::Minutes(37)) {
          check(WindowOf(t, small, zone));
          if (HasFatalFailure()) return;
        }
        continue;
      }
      for (Window w = WindowOf(Utc(2025, 1, 1), small, zone); w.start < Utc(2027, 1, 1);
           w = NextWindow(w, zone)) {
        check(w);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(ParseWindowLabelTest, ParsesEverySize) {
  EXPECT_EQ(ParseWindowLabel("2026-12-02T10:05", WindowSize::kMinute, kShanghai),
            W(WindowSize::kMinute, Sh(2026, 12, 2, 10, 5), Sh(2026, 12, 2, 10, 6)));
  EXPECT_EQ(ParseWindowLabel("2026-12-02T10", WindowSize::kHour, kShanghai),
            W(WindowSize::kHour, Sh(2026, 12, 2, 10), Sh(2026, 12, 2, 11)));
  EXPECT_EQ(ParseWindowLabel("2026-12-02", WindowSize::kDay, kShanghai),
            W(WindowSize::kDay, Sh(2026, 12, 2), Sh(2026, 12, 3)));
  EXPECT_EQ(ParseWindowLabel("2026-W49", WindowSize::kWeek, kShanghai),
            W(WindowSize::kWeek, Sh(2026, 11, 30), Sh(2026, 12, 7)));
  EXPECT_EQ(ParseWindowLabel("2026-W53", WindowSize::kWeek, kShanghai),
            W(WindowSize::kWeek, Sh(2026, 12, 28), Sh(2027, 1, 4)));
  EXPECT_EQ(ParseWindowLabel("2026-12", WindowSize::kMonth, kShanghai),
            W(WindowSize::kMonth, Sh(2026, 12, 1), Sh(2027, 1, 1)));
  EXPECT_EQ(ParseWindowLabel("2026-Q4", WindowSize::kQuarter, kShanghai),
            W(WindowSize::kQuarter, Sh(2026, 10, 1), Sh(2027, 1, 1)));
}

TEST(ParseWindowLabelTest, TheSameLabelIsADifferentWindowInAnotherZone) {
  EXPECT_EQ(ParseWindowLabel("2026-12-02", WindowSize::kDay, kBerlin),
            W(WindowSize::kDay, Utc(2026, 12, 1, 23), Utc(2026, 12, 2, 23)));
}

TEST(ParseWindowLabelTest, RejectsWhatIsNotALabelOfTheSize) {
  const auto bad = [](std::string_view label, WindowSize size) {
    return !ParseWindowLabel(label, size, kShanghai).has_value();
  };
  EXPECT_TRUE(bad("2026-12-02", WindowSize::kHour));      // a day label
  EXPECT_TRUE(bad("2026-12-02T10", WindowSize::kDay));    // an hour label
  EXPECT_TRUE(bad("2026-02-30", WindowSize::kDay));       // no such day
  EXPECT_TRUE(bad("2026-13", WindowSize::kMonth));
  EXPECT_TRUE(bad("2026-00", WindowSize::kMonth));
  EXPECT_TRUE(bad("2026-12-2", WindowSize::kDay));        // not zero-padded
  EXPECT_TRUE(bad("2026-12-02T24", WindowSize::kHour));
  EXPECT_TRUE(bad("2026-12-02T10:60", WindowSize::kMinute));
  EXPECT_TRUE(bad("2027-W53", WindowSize::kWeek));        // 2027 has 52 weeks
  EXPECT_TRUE(bad("2026-W54", WindowSize::kWeek));
  EXPECT_TRUE(bad("2026-W00", WindowSize::kWeek));
  EXPECT_TRUE(bad("2026-W5", WindowSize::kWeek));
  EXPECT_TRUE(bad("2026-Q0", WindowSize::kQuarter));
  EXPECT_TRUE(bad("2026-Q5", WindowSize::kQuarter));
  EXPECT_TRUE(bad("2026-Q4x", WindowSize::kQuarter));
  EXPECT_TRUE(bad("abcd-12", WindowSize::kMonth));
  EXPECT_TRUE(bad("", WindowSize::kDay));
  EXPECT_TRUE(bad(" 2026-12-02", WindowSize::kDay));
}

const DayBand kBands[] = {
    {"day", 8 * 60, 18 * 60},
    {"evening", 18 * 60, 22 * 60},
    {"night", 22 * 60, 6 * 60},  // crosses midnight
};

TEST(BandOfTest, BandsByLocalTimeIncludingOneAcrossMidnight) {
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 8), kBands, kShanghai), "day");
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 17, 59, 59), kBands, kShanghai), "day");
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 18), kBands, kShanghai), "evening");
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 21, 59), kBands, kShanghai), "evening");
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 22), kBands, kShanghai), "night");
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 23, 59, 59), kBands, kShanghai), "night");
  EXPECT_EQ(BandOf(Sh(2026, 12, 3, 0), kBands, kShanghai), "night");
  EXPECT_EQ(BandOf(Sh(2026, 12, 3, 5, 59), kBands, kShanghai), "night");
  // 06:00–08:00 is in no band.
  EXPECT_EQ(BandOf(Sh(2026, 12, 3, 6), kBands, kShanghai), "other");
  EXPECT_EQ(BandOf(Sh(2026, 12, 3, 7, 59), kBands, kShanghai), "other");
}

TEST(BandOfTest, UsesTheZonesClock) {
  // 14:30 UTC is 22:30 in Shanghai and 15:30 in Berlin (CET).
  EXPECT_EQ(BandOf(Utc(2026, 12, 2, 14, 30), kBands, kShanghai), "night");
  EXPECT_EQ(BandOf(Utc(2026, 12, 2, 14, 30), kBands, kBerlin), "day");
}

TEST(NamesNextWindowTest, OnlyTheLabelOfTheWindowRightAfter) {
  const Window day = WindowOf(Sh(2026, 12, 31, 10), WindowSize::kDay, kShanghai);
  EXPECT_TRUE(NamesNextWindow("2027-01-01", day, kShanghai));
  EXPECT_FALSE(NamesNextWindow("2027-01-02", day, kShanghai)) << "further ahead";
  EXPECT_FALSE(NamesNextWindow("2026-12-31", day, kShanghai));
  EXPECT_FALSE(NamesNextWindow("2026-12-30", day, kShanghai));
  EXPECT_FALSE(NamesNextWindow("", day, kShanghai));
  EXPECT_FALSE(NamesNextWindow("2027-01-01T00", day, kShanghai)) << "an hour's label";
}

TEST(BandOfTest, FirstMatchingBandWinsAndNoBandsIsOther) {
  const DayBand overlapping[] = {{"peak", 9 * 60, 11 * 60}, {"day", 8 * 60, 18 * 60}};
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 10), overlapping, kShanghai), "peak");
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 12), overlapping, kShanghai), "day");
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 12), {}, kShanghai), "other");
  // A band from a minute to the same minute is empty.
  const DayBand empty[] = {{"none", 600, 600}};
  EXPECT_EQ(BandOf(Sh(2026, 12, 2, 10), empty, kShanghai), "other");
}

}  // namespace
}  // namespace sqms::metrics::domain
