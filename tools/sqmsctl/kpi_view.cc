#include "tools/sqmsctl/kpi_view.h"

#include <cmath>
#include <cstdio>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/sqmsctl/enum_names.h"

namespace sqms::tools {
namespace {

namespace mv1 = ::sqms::metrics::v1;

constexpr char kMinus[] = "\u2212";  // "−", not the hyphen

std::string Printf(const char* format, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, v);
  return buffer;
}

// How a value is brought to the unit's precision: to the nearest, halves
// away from zero (printf would round them to even: −6.25 → "−6.2"); or
// down / up, toward the side of a target the value is on.
enum class Rounding { kNearest, kDown, kUp };

// The decimals `unit` shows for a magnitude `a`; -1: "%.4g" (a unit not known).
int DecimalsOf(double a, const std::string& unit) {
  // A rate per 10,000 (the complaint rate) is a fraction most days.
  if (unit == "percent" || unit == "score" || unit == "per_10000") return 2;
  if (unit == "seconds") return a >= 10 ? 0 : 1;
  if (unit == "count") return 0;
  return -1;
}

// v rounded to `decimals` places as `rounding` says. A v that is already
// on the grid (but for binary noise) stays there whichever the direction.
double Rounded(double v, int decimals, Rounding rounding) {
  const double scale = std::pow(10.0, decimals);
  const double x = v * scale;
  const double nearest = std::round(x);  // halves away from zero
  if (rounding == Rounding::kNearest || std::fabs(x - nearest) < 1e-6) return nearest / scale;
  return (rounding == Rounding::kDown ? std::floor(x) : std::ceil(x)) / scale;
}

// The magnitude of v in the unit's precision, without a sign.
std::string Magnitude(double v, const std::string& unit, Rounding rounding = Rounding::kNearest) {
  const int decimals = DecimalsOf(std::fabs(v), unit);
  if (decimals < 0) return Printf("%.4g", std::fabs(v));
  // Rounded first, so printf only prints a number already on its grid.
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals,
                std::fabs(Rounded(v, decimals, rounding)));
  std::string s = buffer;
  if (unit == "score" && s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// True when v shows as a non-zero number in the unit's precision: "−0.00"
// must not happen.
bool ShowsNegative(double v, const std::string& unit, Rounding rounding = Rounding::kNearest) {
  if (!(v < 0)) return false;
  const std::string m = Magnitude(v, unit, rounding);
  return m.find_first_not_of("0.") != std::string::npos;
}

std::string Suffix(const std::string& unit) {
  if (unit == "percent") return " %";
  if (unit == "seconds") return " s";
  if (unit == "per_10000") return " \u2031";  // "‱", per ten thousand
  return "";
}

const std::string& UnitOf(const KpiCatalog& catalog, const std::string& kpi) {
  static const std::string kNone;
  auto it = catalog.find(kpi);
  return it == catalog.end() ? kNone : it->second.unit();
}

std::string ValueText(const mv1::KpiValue& v, const std::string& unit) {
  return v.has_value() ? FormatKpiNumber(v.value(), unit) : "-";
}

// An integer with the minus sign U+2212: a net numerator (NPS: promoters −
// detractors) can be negative.
std::string Integer(int64_t n) {
  return n < 0 ? kMinus + std::to_string(-static_cast<uint64_t>(n)) : std::to_string(n);
}

std::string CountsText(const mv1::KpiValue& v) {
  return Integer(v.numerator()) + "/" + Integer(v.denominator());
}

std::string UnitText(const std::string& dimension, const std::string& unit) {
  if (dimension.empty() || dimension == "total") return "total";
  return dimension + " " + unit;
}

std::string PeriodText(const mv1::KpiValue& v) {
  return v.period() + " (" + EnumShortName(v.size()) + ", " + FormatTimestamp(v.start()) +
         " → " + FormatTimestamp(v.end()) + ", " + (v.closed() ? "closed" : "open") + ")";
}

void Line(const std::string& key, const std::string& value, std::string& out) {
  out += PadRight(key + ":", 13) + value + "\n";
}

void ComparisonLines(const mv1::KpiValue& v, const std::string& unit, std::string& out) {
  if (!v.has_comparison() || v.comparison().baseline_label().empty()) return;
  const mv1::Comparison& c = v.comparison();
  Line("baseline", c.baseline_label() + ": " +
                       (c.has_baseline_value() ? FormatKpiNumber(c.baseline_value(), unit)
                                               : "- (no sample)"),
       out);
  if (c.has_change()) {
    Line("change", FormatKpiChange(c.change(), unit) +
                       (c.significant() ? " (significant at 95 %)" : " (not significant)"),
         out);
  }
}

void ValueLines(const mv1::KpiValue& v, const std::string& title, const std::string& unit,
                std::string& out) {
  Line("kpi", title.empty() ? v.kpi() : v.kpi() + " — " + title, out);
  Line("period", PeriodText(v), out);
  Line("unit", UnitText(v.dimension(), v.unit()), out);
  Line("value", v.has_value() ? ValueText(v, unit) + " (" + CountsText(v) + ")"
                              : "- (no sample: denominator 0)",
       out);
}

// Two columns sorted by name (proto maps have no order).
std::string CountTable(const std::string& key_header, const std::string& value_header,
                       const google::protobuf::Map<std::string, int64_t>& counts) {
  std::map<std::string, int64_t> sorted(counts.begin(), counts.end());
  Table table({key_header, value_header});
  for (const auto& [name, count] : sorted) table.AddRow({name, std::to_string(count)});
  return table.Render();
}

}  // namespace

KpiCatalog CatalogOf(const mv1::ListKpiDefinitionsResponse& response) {
  KpiCatalog catalog;
  for (const mv1::KpiDefinition& kpi : response.kpis()) catalog.emplace(kpi.name(), kpi);
  return catalog;
}

namespace {

std::string Number(double v, const std::string& unit, Rounding rounding) {
  return (ShowsNegative(v, unit, rounding) ? kMinus : "") + Magnitude(v, unit, rounding) +
         Suffix(unit);
}

}  // namespace

std::string FormatKpiNumber(double number, const std::string& unit) {
  return Number(number, unit, Rounding::kNearest);
}

std::pair<std::string, std::string> FormatKpiAgainstTarget(double value, double threshold,
                                                           const std::string& unit) {
  std::pair<std::string, std::string> out = {FormatKpiNumber(value, unit),
                                             FormatKpiNumber(threshold, unit)};
  if (value == threshold || out.first != out.second) return out;
  // Each toward its own side: floor(v) < ceil(t) whenever v < t.
  const Rounding value_side = value < threshold ? Rounding::kDown : Rounding::kUp;
  const Rounding threshold_side = value < threshold ? Rounding::kUp : Rounding::kDown;
  return {Number(value, unit, value_side), Number(threshold, unit, threshold_side)};
}

std::string FormatKpiChange(double change, const std::string& unit) {
  const std::string sign = ShowsNegative(change, unit) ? kMinus : "+";
  const std::string suffix = unit == "percent" ? " pp" : Suffix(unit);
  return sign + Magnitude(change, unit) + suffix;
}

std::string KpiCell(const mv1::KpiValue& value, const KpiCatalog& catalog, bool with_counts) {
  const std::string& unit = UnitOf(catalog, value.kpi());
  std::string cell = ValueText(value, unit);
  if (with_counts) cell += " (" + CountsText(value) + ")";
  if (value.revision() > 0) absl::StrAppend(&cell, " r", value.revision());
  if (value.has_comparison() && value.comparison().has_change()) {
    cell += " Δ" + FormatKpiChange(value.comparison().change(), unit);
    if (value.comparison().significant()) cell += "*";
  }
  return cell;
}

Table KpiDefinitionsTable(const mv1::ListKpiDefinitionsResponse& response) {
  Table table({"NAME", "TITLE", "FORMULA", "UNIT", "DIRECTION"});
  for (const mv1::KpiDefinition& kpi : response.kpis()) {
    const std::string direction =
        kpi.direction() == mv1::DIRECTION_HIGHER_IS_BETTER  ? "higher is better"
        : kpi.direction() == mv1::DIRECTION_LOWER_IS_BETTER ? "lower is better"
                                                            : "-";
    table.AddRow({kpi.name(), kpi.title(), kpi.formula(), kpi.unit(), direction});
  }
  return table;
}

std::string KpiValueDetail(const mv1::KpiValue& value, const KpiCatalog& catalog) {
  auto it = catalog.find(value.kpi());
  const std::string title = it == catalog.end() ? "" : it->second.title();
  const std::string& unit = UnitOf(catalog, value.kpi());
  std::string out;
  ValueLines(value, title, unit, out);
  if (value.revision() > 0) {
    Line("revision",
         absl::StrCat("r", value.revision(), " (corrected by late events after the window closed)"),
         out);
  }
  ComparisonLines(value, unit, out);
  return out;
}

Table KpiQueryTable(const mv1::QueryKpisResponse& response, const std::vector<std::string>& kpis,
                    const std::string& dimension, const KpiCatalog& catalog, bool with_counts) {
  std::vector<std::string> headers = {
      "PERIOD", dimension.empty() || dimension == "total" ? "UNIT"
                                                          : absl::AsciiStrToUpper(dimension)};
  headers.insert(headers.end(), kpis.begin(), kpis.end());
  // Rows in the order the answer first names each (period, unit).
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> rows;
  for (const mv1::KpiValue& value : response.values()) {
    auto key = std::make_pair(value.period(), value.unit());
    auto [row, added] = rows.try_emplace(key, std::vector<std::string>(kpis.size(), "-"));
    if (added) keys.push_back(key);
    for (size_t k = 0; k < kpis.size(); ++k) {
      if (kpis[k] == value.kpi()) row->second[k] = KpiCell(value, catalog, with_counts);
    }
  }
  Table table(std::move(headers));
  for (const auto& key : keys) {
    std::vector<std::string> cells = {key.first, key.second};
    const std::vector<std::string>& values = rows.at(key);
    cells.insert(cells.end(), values.begin(), values.end());
    table.AddRow(std::move(cells));
  }
  return table;
}

std::string RankUnitsText(const mv1::RankUnitsResponse& response,
                          const std::vector<std::string>& kpis, const KpiCatalog& catalog) {
  std::vector<std::string> headers = {"POS", "UNIT", "WRSR", "TIER", "FLAGGED"};
  headers.insert(headers.end(), kpis.begin(), kpis.end());
  Table table(std::move(headers));
  for (const mv1::RankedUnit& unit : response.units()) {
    std::vector<std::string> cells = {std::to_string(unit.position()), unit.unit(),
                                      Printf("%.3f", unit.wrsr()), std::to_string(unit.tier()),
                                      unit.flagged() ? "yes" : ""};
    for (const std::string& kpi : kpis) {
      std::string cell = "-";
      for (const mv1::KpiValue& value : unit.values()) {
        if (value.kpi() == kpi) cell = KpiCell(value, catalog, false);
      }
      cells.push_back(std::move(cell));
    }
    table.AddRow(std::move(cells));
  }
  std::string out = table.Render();
  out += "RSR = a + b·probit: a = " + Printf("%.3f", response.a()) + ", b = " +
         Printf("%.3f", response.b()) + "; tier 1 is the worst\n";
  if (!response.excluded().empty()) {
    out += "not ranked (no value or too small a sample for some KPI): " +
           absl::StrJoin(response.excluded(), ", ") + "\n";
  }
  return out;
}

std::string ExplainKpiText(const mv1::KpiExplanation& e) {
  const mv1::KpiDefinition& d = e.definition();
  const mv1::KpiValue& v = e.value();
  std::string out;
  ValueLines(v, d.title(), d.unit(), out);
  ComparisonLines(v, d.unit(), out);
  Line("formula", d.formula(), out);
  Line("numerator", d.numerator() + " = " + Integer(v.numerator()), out);
  if (!v.closed() && !d.open_denominator().empty()) {
    Line("denominator",
         absl::StrCat(d.open_denominator(), " = ", v.denominator(),
                      " (calls with an outcome while the window is open; ", d.denominator(),
                      " once it closes)"),
         out);
  } else if (!d.denominator().empty()) {
    Line("denominator", absl::StrCat(d.denominator(), " = ", v.denominator()), out);
  }
  if (!d.sources().empty()) Line("sources", absl::StrJoin(d.sources(), ", "), out);
  Line("late events", std::to_string(e.late_events()) + " counted after the window closed",
       out);
  Line("revision",
       e.revision() > 0
           ? absl::StrCat("r", e.revision(), " (corrected by late events after the window closed)")
           : "0 (as first computed)",
       out);
  if (!e.counters().empty()) {
    out += "counters:\n" + Indented(CountTable("COUNTER", "VALUE", e.counters()), "  ");
  }
  if (!e.events_by_type().empty()) {
    out += "events:\n" + Indented(CountTable("TYPE", "COUNT", e.events_by_type()), "  ");
  }
  return out;
}

Table KpiBreachesTable(const metrics::v1::ListBreachesResponse& response,
                       const KpiCatalog& catalog) {
  Table table({"AT", "EVENT", "KPI", "UNIT", "PERIOD", "VALUE", "TARGET", "SAMPLE"});
  for (const ::sqms::events::v1::KpiEvent& e : response.events()) {
    auto it = catalog.find(e.kpi());
    const std::string unit = it == catalog.end() ? "" : it->second.unit();
    std::string type = ::sqms::events::v1::KpiEventType_Name(e.type());
    type = absl::AsciiStrToLower(type.substr(std::string("KPI_EVENT_TYPE_").size()));
    const char* side = e.direction() == "lower_is_better" ? "≤ " : "≥ ";
    auto [value, threshold] =
        e.has_value() ? FormatKpiAgainstTarget(e.value(), e.threshold(), unit)
                      : std::make_pair(std::string("-"), FormatKpiNumber(e.threshold(), unit));
    table.AddRow({FormatTimestamp(e.occurred_at()), type, e.kpi(),
                  absl::StrCat(e.dimension(), "=", e.unit()), e.period(), value, side + threshold,
                  absl::StrCat(e.sample())});
  }
  return table;
}

namespace {

constexpr int kKpiWatchWidths[] = {25, 10, 24, 16, 20};

std::string KpiWatchRow(const std::vector<std::string>& cells) {
  return FixedColumns(cells, kKpiWatchWidths);
}

}  // namespace

std::string KpiWatchHeader() {
  return KpiWatchRow({"AT", "KIND", "KPI", "PERIOD", "UNIT", "VALUE"});
}

std::string KpiWatchLine(const mv1::KpiUpdate& update, const KpiCatalog& catalog) {
  const mv1::KpiValue& v = update.value();
  const std::string kind = update.snapshot()     ? "snapshot"
                           : update.correction() ? "correction"
                                                 : "change";
  std::string value = KpiCell(v, catalog, true);
  if (v.closed()) value += " closed";
  return KpiWatchRow({FormatTimestamp(update.observed_at()), kind, v.kpi(), v.period(), v.unit(),
                      value});
}

}  // namespace sqms::tools
