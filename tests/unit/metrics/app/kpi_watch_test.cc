// The pure half of WatchKpis: requests checked with field paths, the
// windows a watch covers, one read per distinct window, and the diff that
// decides what a stream is sent (changes, corrections, snapshots).

#include "services/metrics/app/kpi_watch.h"

#include <gtest/gtest.h>

#include "sqms/runtime/field_violation.h"
#include "tests/unit/metrics/shanghai.h"

namespace sqms::metrics::app {
namespace {

using domain::Dimension;
using domain::WindowSize;

using testing::Shanghai;

const absl::Time kNow = absl::FromUnixSeconds(1796191200);  // 2026-12-02 14:00 +08

std::vector<std::string> Paths(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : runtime::FieldViolations(status)) out.push_back(v.field);
  return out;
}

WatchSpec Spec(WindowSize size, int previous, const std::string& unit = "all",
               Dimension dimension = Dimension::kTotal) {
  return {.kpis = {domain::FindKpi("answer_rate")}, .size = size, .dimension = dimension,
          .unit = unit, .previous_windows = previous, .drill = false};
}

KpiResult Result(const WatchSpec& spec, const domain::Window& w, int64_t n, int64_t d,
                 int64_t revision = 0, bool closed = false) {
  KpiResult r;
  r.kpi = spec.kpis[0];
  r.window = w;
  r.unit = spec.unit;
  r.value.numerator = n;
  r.value.denominator = d;
  if (d > 0) r.value.value = 100.0 * static_cast<double>(n) / static_cast<double>(d);
  r.revision = revision;
  r.closed = closed;
  return r;
}

FigureKey Key(const WatchSpec& spec, const domain::Window& w, const std::string& unit) {
  return {.kpi = spec.kpis[0], .size = w.size, .start = w.start, .dimension = spec.dimension,
          .unit = unit, .drill = false};
}

TEST(CheckWatchTest, NamesEveryBadFieldByItsProtoPath) {
  auto bad = CheckWatch({.kpis = {"answer_rate", "", "no_such_kpi"},
                         .size = std::nullopt,
                         .dimension = "planet",
                         .unit = "",
                         .previous_windows = 32,
                         .drill = false});
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Paths(bad.status()), (std::vector<std::string>{"kpis[1]", "kpis[2]", "size",
                                                           "dimension", "previous_windows"}));
  EXPECT_EQ(Paths(CheckWatch({.kpis = {}, .size = WindowSize::kDay, .dimension = "",
                              .unit = "", .previous_windows = -1, .drill = false})
                      .status()),
            (std::vector<std::string>{"kpis", "previous_windows"}));
}

TEST(CheckWatchTest, TheTotalHasTheOneUnitAllAndAnyOtherDimensionEveryUnitByDefault) {
  auto total = CheckWatch({.kpis = {"answer_rate", "answer_rate"},
                           .size = WindowSize::kHour,
                           .dimension = "",
                           .unit = "all",
                           .previous_windows = 2,
                           .drill = true});
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(total->unit, "all");
  EXPECT_EQ(total->kpis.size(), 1u) << "a KPI named twice is watched once";
  auto departments = CheckWatch({.kpis = {"answer_rate"}, .size = WindowSize::kHour,
                                 .dimension = "department", .unit = "", .previous_windows = 0,
                                 .drill = false});
  ASSERT_TRUE(departments.ok());
  EXPECT_EQ(departments->dimension, Dimension::kDepartment);
  EXPECT_EQ(departments->unit, "");
}

TEST(WatchedWindowsTest, TheCurrentWindowAndTheOnesBeforeItOldestFirst) {
  auto windows = WatchedWindows(Spec(WindowSize::kDay, 2), kNow, Shanghai());
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(domain::WindowLabel(windows[0], Shanghai()), "2026-11-30");
  EXPECT_EQ(domain::WindowLabel(windows[2], Shanghai()), "2026-12-02");
}

TEST(PlanReadsTest, OneReadPerDistinctWindowHoweverManyStreamsWatchIt) {
  const WatchSpec a = Spec(WindowSize::kDay, 2), b = Spec(WindowSize::kDay, 0),
                  c = Spec(WindowSize::kHour, 0),
                  d = Spec(WindowSize::kDay, 1, "", Dimension::kDepartment);
  auto reads = PlanReads({&a, &b, &c, &a, &d}, kNow, Shanghai());
  ASSERT_EQ(reads.size(), 2u);  // total, department
  EXPECT_EQ(reads[0].dimension, Dimension::kTotal);
  EXPECT_EQ(reads[0].windows.size(), 4u);  // the hour, and three days
  EXPECT_EQ(reads[1].dimension, Dimension::kDepartment);
  EXPECT_EQ(reads[1].windows.size(), 2u);
}

TEST(DiffTest, OnlyNewOrChangedFiguresAndCorrectionsOfClosedWindows) {
  const WatchSpec spec = Spec(WindowSize::kDay, 1);
  auto windows = WatchedWindows(spec, kNow, Shanghai());
  const domain::Window yesterday = windows[0], today = windows[1];
  Figures before = {{Key(spec, yesterday, "all"), Result(spec, yesterday, 9, 10, 0, true)},
                    {Key(spec, today, "all"), Result(spec, today, 1, 2)}};
  EXPECT_TRUE(Diff(before, before, kNow).empty()) << "nothing changed, nothing sent";

  Figures now = before;
  now[Key(spec, today, "all")] = Result(spec, today, 2, 3);
  now[Key(spec, yesterday, "all")] = Result(spec, yesterday, 10, 10, 1, true);
  auto updates = Diff(before, now, kNow);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].key.start, yesterday.start);  // key order: window start
  EXPECT_TRUE(updates[0].correction) << "a closed window corrected, its revision up";
  EXPECT_EQ(updates[0].result.revision, 1);
  EXPECT_FALSE(updates[1].correction) << "the open window simply moved on";
  EXPECT_EQ(updates[1].result.value.denominator, 3);
  EXPECT_FALSE(updates[1].snapshot);
  EXPECT_EQ(updates[1].observed_at, kNow);
}

TEST(DiffTest, AWindowClosingIsAChangeButNoCorrection) {
  const WatchSpec spec = Spec(WindowSize::kDay, 0);
  const domain::Window today = WatchedWindows(spec, kNow, Shanghai())[0];
  Figures before = {{Key(spec, today, "all"), Result(spec, today, 1, 2)}};
  Figures now = {{Key(spec, today, "all"), Result(spec, today, 1, 2, 0, true)}};
  auto updates = Diff(before, now, kNow);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_TRUE(updates[0].result.closed);
  EXPECT_FALSE(updates[0].correction);
}

TEST(DiffTest, ANewFigureIsSentAndCountsAsACorrectionOnlyInAClosedWindowWithCounts) {
  const WatchSpec spec = Spec(WindowSize::kDay, 1, "", Dimension::kDepartment);
  auto windows = WatchedWindows(spec, kNow, Shanghai());
  Figures now = {{Key(spec, windows[0], "late-unit"), Result(spec, windows[0], 0, 1, 0, true)},
                 {Key(spec, windows[1], "new-unit"), Result(spec, windows[1], 0, 0)}};
  auto updates = Diff({}, now, kNow);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_TRUE(updates[0].correction);
  EXPECT_FALSE(updates[1].correction);
}

TEST(SnapshotTest, WhatTheSpecCoversFromItsOldestWindowOnMarkedSnapshot) {
  const WatchSpec spec = Spec(WindowSize::kDay, 0, "ticketing-center", Dimension::kDepartment);
  auto windows = WatchedWindows(Spec(WindowSize::kDay, 1), kNow, Shanghai());
  Figures figures = {
      {Key(spec, windows[0], "ticketing-center"), Result(spec, windows[0], 1, 1, 2, true)},
      {Key(spec, windows[1], "ticketing-center"), Result(spec, windows[1], 1, 1, 2)},
      {Key(spec, windows[1], "customer-service"), Result(spec, windows[1], 1, 1)}};
  auto snapshot = Snapshot(figures, spec, windows[1].start, kNow);
  ASSERT_EQ(snapshot.size(), 1u) << "not yesterday's, not another unit's";
  EXPECT_TRUE(snapshot[0].snapshot);
  EXPECT_TRUE(snapshot[0].correction) << "revision 2";
  EXPECT_EQ(snapshot[0].key.unit, "ticketing-center");
}

}  // namespace
}  // namespace sqms::metrics::app
