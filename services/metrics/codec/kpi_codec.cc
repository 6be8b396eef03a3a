#include "services/metrics/codec/kpi_codec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace sqms::metrics::codec {
namespace {

using google::protobuf::util::TimeUtil;

std::optional<domain::WindowSize> SizeOf(pb::WindowSize size) {
  switch (size) {
    case pb::WINDOW_SIZE_MINUTE: return domain::WindowSize::kMinute;
    case pb::WINDOW_SIZE_HOUR: return domain::WindowSize::kHour;
    case pb::WINDOW_SIZE_DAY: return domain::WindowSize::kDay;
    case pb::WINDOW_SIZE_WEEK: return domain::WindowSize::kWeek;
    case pb::WINDOW_SIZE_MONTH: return domain::WindowSize::kMonth;
    case pb::WINDOW_SIZE_QUARTER: return domain::WindowSize::kQuarter;
    default: return std::nullopt;
  }
}

pb::WindowSize SizeToProto(domain::WindowSize size) {
  return static_cast<pb::WindowSize>(static_cast<int>(size) + 1);
}

app::PeriodSpec PeriodOf(const pb::Period& period) { return {SizeOf(period.size()), period.label()}; }

google::protobuf::Timestamp TimestampOf(absl::Time t) {
  return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
}

std::string_view UnitName(domain::Unit unit) {
  switch (unit) {
    case domain::Unit::kPercent: return "percent";
    case domain::Unit::kSeconds: return "seconds";
    case domain::Unit::kCount: return "count";
    case domain::Unit::kScore: return "score";
    case domain::Unit::kPerTenThousand: return "per_10000";
  }
  return "";
}

}  // namespace

app::KpiRequest FromProto(const pb::GetKpiRequest& r) {
  app::KpiRequest out{.kpi = r.kpi(),
                      .period = PeriodOf(r.period()),
                      .dimension = r.dimension(),
                      .unit = r.unit(),
                      .compare_previous = r.compare_previous(),
                      .baseline = std::nullopt,
                      .drill = r.drill()};
  if (r.has_baseline()) out.baseline = PeriodOf(r.baseline());
  return out;
}

app::RangeRequest FromProto(const pb::QueryKpisRequest& r) {
  return {.kpis = {r.kpis().begin(), r.kpis().end()},
          .size = SizeOf(r.size()),
          .from = r.from(),
          .to = r.to(),
          .dimension = r.dimension(),
          .unit = r.unit(),
          .compare_previous = r.compare_previous(),
          .drill = r.drill()};
}

app::RankRequest FromProto(const pb::RankUnitsRequest& r) {
  app::RankRequest out{.period = PeriodOf(r.period()), .dimension = r.dimension(), .kpis = {},
                       .bottom_n = r.bottom_n()};
  for (const pb::RankingKpi& k : r.kpis()) out.kpis.emplace_back(k.kpi(), k.weight());
  if (r.has_min_sample()) out.min_sample = r.min_sample();
  return out;
}

void ToProto(const domain::KpiDefinition& kpi, pb::KpiDefinition* out) {
  out->set_name(std::string(kpi.name));
  out->set_title(std::string(kpi.title));
  out->set_formula(std::string(kpi.formula));
  std::string numerator(domain::CounterName(kpi.numerator));
  if (kpi.numerator2) {  // reported net (domain::KpiValue::numerator)
    absl::StrAppend(&numerator, " − ", std::string(domain::CounterName(*kpi.numerator2)));
  }
  out->set_numerator(std::move(numerator));
  if (kpi.denominator) out->set_denominator(std::string(domain::CounterName(*kpi.denominator)));
  if (domain::OpenWindowOutcome(kpi).has_value()) {
    // In the counters' fixed order, whichever the numerator is.
    out->set_open_denominator(
        absl::StrCat(std::string(domain::CounterName(domain::Counter::kCallsAnswered)), " + ",
                     std::string(domain::CounterName(domain::Counter::kCallsAbandoned))));
  }
  for (std::string_view source : kpi.sources) out->add_sources(std::string(source));
  out->set_unit(std::string(UnitName(kpi.unit)));
  out->set_direction(kpi.direction == domain::Direction::kHigherIsBetter
                         ? pb::DIRECTION_HIGHER_IS_BETTER
                         : pb::DIRECTION_LOWER_IS_BETTER);
}

void ToProto(const app::KpiResult& r, pb::KpiValue* out) {
  out->set_kpi(std::string(r.kpi->name));
  out->set_period(r.label);
  out->set_size(SizeToProto(r.window.size));
  *out->mutable_start() = TimestampOf(r.window.start);
  *out->mutable_end() = TimestampOf(r.window.end);
  out->set_dimension(std::string(domain::DimensionName(r.dimension)));
  out->set_unit(r.unit);
  if (r.value.value) out->set_value(*r.value.value);
  out->set_numerator(r.value.numerator);
  out->set_denominator(r.value.denominator);
  out->set_revision(r.revision);
  out->set_closed(r.closed);
  if (r.comparison) {
    pb::Comparison* c = out->mutable_comparison();
    c->set_baseline_label(r.comparison->baseline_label);
    if (r.comparison->baseline.value) c->set_baseline_value(*r.comparison->baseline.value);
    if (r.comparison->change.delta) c->set_change(*r.comparison->change.delta);
    c->set_significant(r.comparison->change.significant);
  }
}

void ToProto(const app::Explanation& e, pb::KpiExplanation* out) {
  ToProto(e.result, out->mutable_value());
  ToProto(*e.result.kpi, out->mutable_definition());
  for (int c = 0; c < domain::kCounterCount; ++c) {
    if (e.counters[c] != 0) {
      (*out->mutable_counters())[std::string(domain::CounterName(static_cast<domain::Counter>(c)))] =
          e.counters[c];
    }
  }
  for (const auto& [type, count] : e.events_by_type) (*out->mutable_events_by_type())[type] = count;
  out->set_late_events(e.late_events);
  out->set_revision(e.result.revision);
}

void ToProto(const app::RankResult& r, pb::RankUnitsResponse* out) {
  for (size_t i = 0; i < r.ranking.units.size(); ++i) {
    const domain::RankedUnit& u = r.ranking.units[i];
    pb::RankedUnit* p = out->add_units();
    p->set_unit(u.unit);
    p->set_position(u.position);
    p->set_wrsr(u.wrsr);
    p->set_rsr(u.rsr);
    p->set_weighted_score(u.weighted_score);
    p->set_probit(u.probit);
    p->set_tier(u.tier);
    p->set_flagged(u.flagged);
    for (const app::KpiResult& v : r.values[i]) ToProto(v, p->add_values());
  }
  out->set_a(r.ranking.a);
  out->set_b(r.ranking.b);
  for (const std::string& unit : r.excluded) out->add_excluded(unit);
}

}  // namespace sqms::metrics::codec
