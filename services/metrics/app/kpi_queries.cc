#include "services/metrics/app/kpi_queries.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/metrics/app/request_checks.h"
#include "services/metrics/domain/cardinality.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::metrics::app {

using domain::Dimension;
using domain::Window;
using runtime::FieldViolation;

namespace {

// The unit within `dimension`: "all" for the total (a unit named with the
// total is refused: a department read as the whole would mislead), else
// required.
std::string UnitOf(Dimension dimension, const std::string& unit,
                   std::vector<FieldViolation>& violations) {
  CheckTotalUnit(dimension, unit, "unit", violations);
  if (dimension == Dimension::kTotal) return "all";
  if (unit.empty()) violations.push_back({"unit", "required for this dimension"});
  return unit;
}

// Whether `unit` counted any event in its window: a counter or an event type.
bool CountedAnything(const ports::UnitAggregate& unit) {
  return std::any_of(unit.counters.begin(), unit.counters.end(),
                     [](int64_t c) { return c != 0; }) ||
         std::any_of(unit.events_by_type.begin(), unit.events_by_type.end(),
                     [](const auto& e) { return e.second != 0; });
}

}  // namespace

KpiQueries::KpiQueries(ports::KpiReader& reader, const runtime::Clock& clock, QueryConfig config)
    : reader_(reader), clock_(clock), config_(std::move(config)) {}

absl::StatusOr<Window> KpiQueries::Resolve(const PeriodSpec& period,
                                           const std::string& path) const {
  if (!period.size) return runtime::InvalidArgument({{path + ".size", "required"}});
  if (period.label.empty()) return domain::WindowOf(clock_.Now(), *period.size, config_.zone);
  std::optional<Window> w = domain::ParseWindowLabel(period.label, *period.size, config_.zone);
  if (!w) {
    std::string problem = absl::StrCat("'", period.label, "' is not a ");
    absl::StrAppend(&problem, std::string(domain::WindowSizeName(*period.size)), " label");
    return runtime::InvalidArgument({{path + ".label", std::move(problem)}});
  }
  if (!domain::Covered(*w)) {
    return runtime::InvalidArgument(
        {{path + ".label", absl::StrCat("'", period.label,
                                        "' is outside the time KPIs cover (1970 to 8999)")}});
  }
  if (Expired(config_, *w, clock_.Now())) {
    return runtime::InvalidArgument(
        {{path + ".label",
          absl::StrCat("'", period.label, "' is older than ",
                       std::string(domain::WindowSizeName(*period.size)), " windows are kept (",
                       absl::FormatDuration(config_.retention[static_cast<int>(*period.size)]),
                       " after their end: metrics.yaml retention)")}});
  }
  return *w;
}

bool Expired(const QueryConfig& config, const Window& window, absl::Time now) {
  const absl::Duration keep = config.retention[static_cast<int>(window.size)];
  return keep > absl::ZeroDuration() && window.end + keep <= now;
}

double DayShare(absl::Time from, absl::Time to, const absl::TimeZone& zone) {
  double share = 0;
  for (Window day = domain::WindowOf(from, domain::WindowSize::kDay, zone); day.start < to;
       day = domain::NextWindow(day, zone)) {
    const absl::Duration inside = std::min(to, day.end) - std::max(from, day.start);
    share += absl::FDivDuration(inside, day.end - day.start);
  }
  return share;
}

domain::Bases BasesFor(const QueryConfig& config, const Window& window, absl::Time now,
                       Dimension dimension, const std::string& unit) {
  const absl::Time until = std::clamp(now, window.start, window.end);
  // Computed only where a base needs it: a quarter is a loop over 92 days,
  // and every KPI of every unit asks for its bases.
  std::optional<double> day_share;
  auto days = [&] {
    if (!day_share) {
      day_share = until > window.start ? DayShare(window.start, until, config.zone) : 0;
    }
    return *day_share;
  };
  const BaseConfig& bases_config = config.bases;
  domain::Bases bases;
  if (bases_config.hours_per_day == 24) {
    // Around the clock: every second of the window is scheduled.
    bases.scheduled_seconds =
        static_cast<int64_t>(bases_config.platforms) * absl::ToInt64Seconds(until - window.start);
  } else {
    bases.scheduled_seconds = std::llround(static_cast<double>(bases_config.platforms) *
                                           bases_config.hours_per_day * 3600 * days());
  }
  for (const VolumeBase& v : bases_config.volumes) {
    if (v.dimension == dimension && v.unit == unit && v.per_day > 0) {
      bases.volume = std::llround(static_cast<double>(v.per_day) * days());
    }
  }
  return bases;
}

domain::KpiValue UnitValue(const QueryConfig& config, const domain::KpiDefinition& kpi,
                           const Window& window, absl::Time now, Dimension dimension,
                           const std::string& unit, const ports::WindowAggregate& aggregate) {
  // Nothing can have happened in it yet: even a count of 0 would claim a fact.
  if (window.start > now || Expired(config, window, now)) return domain::KpiValue{};
  auto it = aggregate.units.find(unit);
  const bool counted = it != aggregate.units.end() && CountedAnything(it->second);
  if (kpi.form == domain::Form::kScheduleShare && dimension != Dimension::kTotal && !counted) {
    return domain::KpiValue{};
  }
  const domain::Settlement settlement =
      window.end + config.grace <= now ? domain::Settlement::kClosed : domain::Settlement::kOpen;
  return domain::Compute(kpi, counted ? it->second.counters : domain::CounterValues{},
                         BasesFor(config, window, now, dimension, unit), settlement);
}

KpiResult KpiQueries::Result(const domain::KpiDefinition& kpi, const Window& window,
                             Dimension dimension, const std::string& unit,
                             const ports::WindowAggregate& aggregate) const {
  KpiResult r;
  r.kpi = &kpi;
  r.window = window;
  r.label = domain::WindowLabel(window, config_.zone);
  r.dimension = dimension;
  r.unit = unit;
  r.revision = aggregate.revision;
  // One reading of the clock: `closed` and the value's open-window rule
  // (UnitValue) must agree at the boundary.
  const absl::Time now = clock_.Now();
  r.closed = window.end + config_.grace <= now;
  r.value = UnitValue(config_, kpi, window, now, dimension, unit, aggregate);
  return r;
}

absl::StatusOr<Explanation> KpiQueries::Explain(const KpiRequest& request) {
  std::vector<FieldViolation> violations;
  const domain::KpiDefinition* kpi = KpiOf(request.kpi, "kpi", violations);
  const std::optional<Dimension> dimension = DimensionOf(request.dimension, "dimension", violations);
  if (kpi != nullptr && dimension) CheckBreakdown(*kpi, *dimension, "kpi", violations);
  const std::string unit = dimension ? UnitOf(*dimension, request.unit, violations) : request.unit;
  absl::StatusOr<Window> window = Resolve(request.period, "period");
  if (!window.ok()) {
    for (auto& v : runtime::FieldViolations(window.status())) violations.push_back(std::move(v));
  } else if (dimension) {
    CheckKept(config_.window_dimensions, window->size, *dimension, "dimension", violations);
  }
  std::optional<absl::StatusOr<Window>> baseline;
  if (request.baseline) {
    baseline = Resolve(*request.baseline, "baseline");
    if (baseline->ok() && window.ok() && (*baseline)->size != window->size) {
      violations.push_back({"baseline.size", "must be the period's size"});
    } else if (!baseline->ok()) {
      for (auto& v : runtime::FieldViolations(baseline->status())) violations.push_back(v);
    }
  }
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));

  std::vector<Window> windows = {*window};
  const bool compare = request.compare_previous || request.baseline;
  if (compare) {
    windows.push_back(request.baseline ? **baseline
                                       : domain::PreviousWindow(*window, config_.zone));
  }
  auto aggregates = reader_.Read(windows, *dimension, request.drill);
  if (!aggregates.ok()) return aggregates.status();
  Explanation out;
  out.result = Result(*kpi, windows[0], *dimension, unit, (*aggregates)[0]);
  if (auto it = (*aggregates)[0].units.find(unit); it != (*aggregates)[0].units.end()) {
    out.counters = it->second.counters;
    out.events_by_type = it->second.events_by_type;
  }
  out.late_events = (*aggregates)[0].late_events;
  if (compare) {
    KpiResult base = Result(*kpi, windows[1], *dimension, unit, (*aggregates)[1]);
    out.result.comparison = Comparison{
        .baseline_label = base.label,
        .baseline = base.value,
        .change = domain::Compare(*kpi, out.result.value, base.value)};
  }
  return out;
}

absl::StatusOr<KpiResult> KpiQueries::Get(const KpiRequest& request) {
  auto explained = Explain(request);
  if (!explained.ok()) return explained.status();
  return std::move(explained->result);
}

absl::StatusOr<std::vector<KpiResult>> KpiQueries::Query(const RangeRequest& request) {
  std::vector<FieldViolation> violations;
  std::vector<const domain::KpiDefinition*> kpis;
  if (request.kpis.empty()) violations.push_back({"kpis", "at least one KPI"});
  if (request.kpis.size() > kMaxQueryKpis) {
    violations.push_back({"kpis", absl::StrCat("at most ", kMaxQueryKpis)});
  }
  for (size_t i = 0; i < request.kpis.size(); ++i) {
    kpis.push_back(KpiOf(request.kpis[i], absl::StrCat("kpis[", i, "]"), violations));
    CheckNotRepeated(
        request.kpis, i, [](const std::string& k) { return k; }, absl::StrCat("kpis[", i, "]"),
        violations);
  }
  const std::optional<Dimension> dimension = DimensionOf(request.dimension, "dimension", violations);
  for (size_t i = 0; dimension && i < kpis.size(); ++i) {
    if (kpis[i] != nullptr) {
      CheckBreakdown(*kpis[i], *dimension, absl::StrCat("kpis[", i, "]"), violations);
    }
  }
  if (dimension) CheckTotalUnit(*dimension, request.unit, "unit", violations);
  if (!request.size) violations.push_back({"size", "required"});
  if (request.size && dimension) {
    CheckKept(config_.window_dimensions, *request.size, *dimension, "dimension", violations);
  }
  if (request.from.empty()) violations.push_back({"from", "required"});
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));

  auto first = Resolve({request.size, request.from}, "");
  auto last = Resolve({request.size, request.to.empty() ? request.from : request.to}, "");
  // Resolve names the label of a period ("<path>.label"); here the label
  // is the field itself: its problem, under from or to.
  auto problem = [](const absl::Status& status) {
    std::vector<FieldViolation> v = runtime::FieldViolations(status);
    return v.empty() ? std::string(status.message()) : v.front().description;
  };
  if (!first.ok()) violations.push_back({"from", problem(first.status())});
  if (!last.ok() && !request.to.empty()) violations.push_back({"to", problem(last.status())});
  if (first.ok() && last.ok() && last->start < first->start) {
    violations.push_back({"to", "before from"});
  }
  std::vector<Window> windows;
  if (violations.empty()) {
    for (Window w = *first; w.start <= last->start; w = domain::NextWindow(w, config_.zone)) {
      if (windows.size() == kMaxQueryPeriods) {
        violations.push_back({"to", absl::StrCat("at most ", kMaxQueryPeriods, " periods")});
        break;
      }
      windows.push_back(w);
    }
  }
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));

  const size_t periods = windows.size();
  if (request.compare_previous) {
    for (size_t i = 0; i < periods; ++i) {
      windows.push_back(domain::PreviousWindow(windows[i], config_.zone));
    }
  }
  auto aggregates = reader_.Read(windows, *dimension, request.drill);
  if (!aggregates.ok()) return aggregates.status();

  const bool every_unit = *dimension != Dimension::kTotal && request.unit.empty();
  size_t values = 0;
  for (size_t i = 0; i < periods; ++i) {
    values += kpis.size() * (every_unit ? (*aggregates)[i].units.size() : 1);
  }
  if (values > kMaxQueryValues) {
    return runtime::InvalidArgument(
        {{every_unit ? "unit" : "to",
          absl::StrCat("the query would answer ", values, " values (", periods, " periods × ",
                       kpis.size(), " KPIs", every_unit ? " × every unit of each" : "",
                       "), at most ", kMaxQueryValues,
                       ": name a unit, ask for fewer KPIs or a shorter from..to")}});
  }

  std::vector<KpiResult> out;
  out.reserve(values);
  for (size_t i = 0; i < periods; ++i) {
    std::vector<std::string> units;
    if (*dimension == Dimension::kTotal) {
      units = {"all"};
    } else if (!every_unit) {
      units = {request.unit};
    } else {
      for (const auto& [unit, _] : (*aggregates)[i].units) units.push_back(unit);
    }
    for (const domain::KpiDefinition* kpi : kpis) {
      for (const std::string& unit : units) {
        KpiResult r = Result(*kpi, windows[i], *dimension, unit, (*aggregates)[i]);
        if (request.compare_previous) {
          KpiResult base =
              Result(*kpi, windows[periods + i], *dimension, unit, (*aggregates)[periods + i]);
          r.comparison = Comparison{.baseline_label = base.label,
                                    .baseline = base.value,
                                    .change = domain::Compare(*kpi, r.value, base.value)};
        }
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

absl::StatusOr<RankResult> KpiQueries::Rank(const RankRequest& request) {
  std::vector<FieldViolation> violations;
  std::optional<Dimension> dimension;
  if (request.dimension.empty()) {
    violations.push_back({"dimension", "required"});
  } else {
    dimension = DimensionOf(request.dimension, "dimension", violations);
    if (dimension == Dimension::kTotal) {
      violations.push_back({"dimension", "the total has one unit; rank a dimension"});
    }
  }
  std::vector<const domain::KpiDefinition*> kpis;
  if (request.kpis.empty()) violations.push_back({"kpis", "at least one KPI"});
  for (size_t i = 0; i < request.kpis.size(); ++i) {
    kpis.push_back(KpiOf(request.kpis[i].first, absl::StrCat("kpis[", i, "].kpi"), violations));
    // Twice would count it twice in the score.
    CheckNotRepeated(
        request.kpis, i, [](const auto& k) { return k.first; }, absl::StrCat("kpis[", i, "].kpi"),
        violations);
    if (kpis.back() != nullptr && dimension) {
      CheckBreakdown(*kpis.back(), *dimension, absl::StrCat("kpis[", i, "].kpi"), violations);
    }
    if (const double w = request.kpis[i].second; !(w > 0) || !std::isfinite(w)) {
      violations.push_back({absl::StrCat("kpis[", i, "].weight"), "must be finite and > 0"});
    }
  }
  if (request.bottom_n < 0) violations.push_back({"bottom_n", "must be >= 0"});
  if (request.min_sample < 0) violations.push_back({"min_sample", "must be >= 0"});
  absl::StatusOr<Window> window = Resolve(request.period, "period");
  if (!window.ok()) {
    for (auto& v : runtime::FieldViolations(window.status())) violations.push_back(std::move(v));
  } else if (dimension) {
    CheckKept(config_.window_dimensions, window->size, *dimension, "dimension", violations);
  }
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));

  auto aggregates = reader_.Read({*window}, *dimension, false);
  if (!aggregates.ok()) return aggregates.status();
  const ports::WindowAggregate& aggregate = (*aggregates)[0];

  RankResult out;
  domain::RankingInput input;
  input.bottom_n = request.bottom_n == 0 ? 1 : request.bottom_n;
  std::map<std::string, std::vector<KpiResult>> by_unit;
  for (const auto& [unit, _] : aggregate.units) {
    if (domain::IsBucketUnit(unit)) {  // not a unit: never ranked nor flagged
      out.excluded.push_back(unit);
      continue;
    }
    std::vector<KpiResult> values;
    bool complete = true;
    for (const domain::KpiDefinition* kpi : kpis) {
      values.push_back(Result(*kpi, *window, *dimension, unit, aggregate));
      // A count (complaint volume, SLA breaches) is no sample: its
      // "denominator" is the count itself, and few is good, not unsure.
      complete = complete && values.back().value.value.has_value() &&
                 (kpi->form == domain::Form::kCount ||
                  values.back().value.denominator >= request.min_sample);
    }
    if (complete) {
      input.units.push_back(unit);
      by_unit[unit] = std::move(values);
    } else {
      out.excluded.push_back(unit);
    }
  }
  for (size_t k = 0; k < kpis.size(); ++k) {
    domain::RankingColumn column;
    column.kpi = std::string(kpis[k]->name);
    column.direction = kpis[k]->direction;
    column.weight = request.kpis[k].second;
    for (const std::string& unit : input.units) column.values.push_back(*by_unit[unit][k].value.value);
    input.columns.push_back(std::move(column));
  }
  auto ranking = domain::Rank(input);
  if (!ranking.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot rank the ", request.dimension, " units of this period: ",
        ranking.status().message()));
  }
  out.ranking = *std::move(ranking);
  for (const domain::RankedUnit& u : out.ranking.units) out.values.push_back(by_unit[u.unit]);
  return out;
}

}  // namespace sqms::metrics::app
