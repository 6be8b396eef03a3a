#pragma once
// The metrics service's read use cases: one KPI, a series, a ranking, an
// explanation — computed from the stored counters (ports::KpiReader) at
// query time, so a correction by a late event shows in the next query.
//
// Input errors are INVALID_ARGUMENT carrying runtime::FieldViolation with
// the request's proto path ("kpi", "period.size", "period.label",
// "baseline.label", "kpis[1]", "from", "dimension", ...), checked before
// anything is read. Thread-safe (the reader is); blocking.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/metrics/domain/comparison.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/kpi.h"
#include "services/metrics/domain/ranking.h"
#include "services/metrics/domain/window.h"
#include "services/metrics/domain/window_dimensions.h"
#include "services/metrics/ports/kpi_reader.h"
#include "sqms/runtime/clock.h"

namespace sqms::metrics::app {

// What some KPIs divide by that no event carries (issue 8 §0), from config.
struct VolumeBase {
  domain::Dimension dimension = domain::Dimension::kTotal;
  std::string unit = "all";
  int64_t per_day = 0;  // passengers / subscribers per day
};
struct BaseConfig {
  // System reliability: the platforms' scheduled working time is
  // `platforms` (how many ContributionPolicy::reliability_platforms lists)
  // × `hours_per_day` per calendar day of the window (BasesFor).
  int platforms = 4;
  int hours_per_day = 24;
  std::vector<VolumeBase> volumes;
};

struct QueryConfig {
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::Duration grace = absl::Minutes(5);
  BaseConfig bases;
  // A query of a size by a dimension not kept is INVALID_ARGUMENT on its
  // "dimension" (metrics.yaml window_dimensions).
  domain::WindowDimensions window_dimensions;
  // How long each window size is kept after its end (by WindowSize; zero
  // or less: for ever), as the processor's expiry (metrics.yaml
  // retention). A window past it is gone from Redis, so it reads as "no
  // data", never as 0 complaints and 100 % reliability; a label naming one
  // is refused.
  std::array<absl::Duration, 6> retention{};
};

// Whether `window` is past its size's retention at `now` (config.retention).
bool Expired(const QueryConfig& config, const domain::Window& window, absl::Time now);

// The configured bases of `unit` of `dimension` for the part of `window`
// elapsed by `now` — all of a window that has ended, none of one that has
// not begun, the time so far of the open one: the scheduled seconds, and
// the volume where one is configured for the unit. Per calendar day of
// config.zone, each day by the share of it inside that part (a 23-hour
// day when clocks go forward is one day's volume, as a 25-hour one):
// volume = per_day × days; scheduled = platforms × hours_per_day × 3,600
// × days, except around the clock (hours_per_day 24) where every second is
// scheduled, platforms × the elapsed seconds.
domain::Bases BasesFor(const QueryConfig& config, const domain::Window& window, absl::Time now,
                       domain::Dimension dimension, const std::string& unit);

// `kpi` of `unit` of `dimension` in `window` from the window's stored
// `aggregate` (a unit absent from it counted nothing) as of `now` — what
// the queries and the target monitor report (docs/kpis.md "No sample, no
// value"):
// - a window that has not begun by `now`, or is past its retention
//   (Expired), has no value for any KPI, counts included (numerator and
//   denominator 0);
// - the bases are those of the elapsed part (BasesFor);
// - system reliability of a unit of a dimension (not the total) that
//   counted nothing in the window — absent from `aggregate`, or there with
//   no counter and no event — has no value and denominator 0: there is no
//   sample to say it was reliable. The total keeps its value (the
//   platforms' reliability is defined with or without events), and a unit
//   that counted anything keeps its 100 % when no outage was counted;
// - a window whose end plus config.grace has not passed by `now` is open:
//   the answer and abandonment rates then divide by the calls with an
//   outcome (domain::Settlement).
// Pure.
domain::KpiValue UnitValue(const QueryConfig& config, const domain::KpiDefinition& kpi,
                           const domain::Window& window, absl::Time now,
                           domain::Dimension dimension, const std::string& unit,
                           const ports::WindowAggregate& aggregate);

// A period as the request gives it: a size and a label ("" = the current).
struct PeriodSpec {
  std::optional<domain::WindowSize> size;  // nullopt: not given
  std::string label;
};

struct KpiRequest {
  std::string kpi;
  PeriodSpec period;
  std::string dimension;  // "" = total
  std::string unit;       // required unless total
  bool compare_previous = false;
  std::optional<PeriodSpec> baseline;
  bool drill = false;
};

struct Comparison {
  std::string baseline_label;
  domain::KpiValue baseline;
  domain::Change change;
};

struct KpiResult {
  const domain::KpiDefinition* kpi = nullptr;
  domain::Window window;
  std::string label;
  domain::Dimension dimension = domain::Dimension::kTotal;
  std::string unit;
  domain::KpiValue value;
  int64_t revision = 0;
  bool closed = false;   // the window's end + grace has passed
  std::optional<Comparison> comparison;
};

struct Explanation {
  KpiResult result;
  domain::CounterValues counters{};
  std::map<std::string, int64_t> events_by_type;
  int64_t late_events = 0;
};

struct RangeRequest {
  std::vector<std::string> kpis;
  std::optional<domain::WindowSize> size;
  std::string from, to;
  std::string dimension;
  std::string unit;       // "" = every unit seen
  bool compare_previous = false;
  bool drill = false;
};

// The smallest sample a ranked unit has for each KPI unless the request
// says otherwise: the targets' and comparisons' default (domain/target.h).
inline constexpr int64_t kDefaultRankingMinSample = 30;

struct RankRequest {
  PeriodSpec period;
  std::string dimension;
  std::vector<std::pair<std::string, double>> kpis;  // name, weight
  int bottom_n = 1;
  // A unit whose sample (KpiValue::denominator, as targets count it) for
  // some KPI is below this is not ranked (listed in `excluded`); >= 0.
  // Counts (Form::kCount: complaint volume, SLA breaches) have no sample:
  // a unit with few complaints is ranked, as the best on that column.
  int64_t min_sample = kDefaultRankingMinSample;
};

struct RankResult {
  domain::Ranking ranking;
  std::vector<std::vector<KpiResult>> values;  // per ranked unit (ranking order), per KPI
  // Not ranked: units without a value for some KPI or with a sample below
  // min_sample, and the buckets "unknown" and "other"
  // (domain::IsBucketUnit), which are no units.
  std::vector<std::string> excluded;
};

inline constexpr int kMaxQueryKpis = 20;
inline constexpr int kMaxQueryPeriods = 400;
// Values one Query answers at most (periods × KPIs × the units each period
// has): past it the query is INVALID_ARGUMENT before a value is computed,
// on "unit" for a dimension's every unit, else on "to" — so no caller makes
// a replica build hundreds of MB it could not send (gRPC's 16 MiB limit).
inline constexpr size_t kMaxQueryValues = 50'000;

class KpiQueries {
 public:
  // Borrows `reader` and `clock`; both must outlive this.
  KpiQueries(ports::KpiReader& reader, const runtime::Clock& clock, QueryConfig config);

  absl::StatusOr<KpiResult> Get(const KpiRequest& request);
  absl::StatusOr<Explanation> Explain(const KpiRequest& request);
  absl::StatusOr<std::vector<KpiResult>> Query(const RangeRequest& request);
  // A valid request for a period in which fewer than 2 units have a value
  // for every KPI is FAILED_PRECONDITION ("cannot rank the <dimension>
  // units of this period: ..."): the data, not the request, is the problem.
  absl::StatusOr<RankResult> Rank(const RankRequest& request);

  const QueryConfig& config() const { return config_; }

  // `kpi` of `unit` in `window` from the window's stored `aggregate` (a unit
  // absent from it counted nothing), as Get answers it without comparison:
  // the value is UnitValue's and `closed` as of the clock's now. Pure but
  // for the clock; thread-safe.
  KpiResult Result(const domain::KpiDefinition& kpi, const domain::Window& window,
                   domain::Dimension dimension, const std::string& unit,
                   const ports::WindowAggregate& aggregate) const;

 private:
  absl::StatusOr<domain::Window> Resolve(const PeriodSpec& period, const std::string& path) const;

  ports::KpiReader& reader_;
  const runtime::Clock& clock_;
  const QueryConfig config_;
};

}  // namespace sqms::metrics::app
