#include "tools/sqmsctl/kpi_args.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/sqmsctl/enum_names.h"

namespace sqms::tools {
namespace {

namespace mv1 = ::sqms::metrics::v1;

constexpr size_t kMaxQueryKpis = 20;  // QueryKpisRequest.kpis

// Debian's Abseil has its own string_view: split and parse in it.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

absl::Status FlagError(std::string_view flag, std::string_view value, std::string_view problem) {
  return absl::InvalidArgumentError(std::string(flag) + " \"" + std::string(value) +
                                    "\": " + std::string(problem));
}

// A label's shape: 'd' a digit, every other character itself.
struct LabelShape {
  mv1::WindowSize size;
  std::string_view pattern;
  std::string_view example;
};

constexpr LabelShape kLabelShapes[] = {
    {mv1::WINDOW_SIZE_MINUTE, "dddd-dd-ddTdd:dd", "2026-12-02T10:05"},
    {mv1::WINDOW_SIZE_HOUR, "dddd-dd-ddTdd", "2026-12-02T10"},
    {mv1::WINDOW_SIZE_DAY, "dddd-dd-dd", "2026-12-02"},
    {mv1::WINDOW_SIZE_WEEK, "dddd-Wdd", "2026-W49"},
    {mv1::WINDOW_SIZE_MONTH, "dddd-dd", "2026-12"},
    {mv1::WINDOW_SIZE_QUARTER, "dddd-Qd", "2026-Q4"},
};

bool Matches(std::string_view pattern, std::string_view label) {
  if (pattern.size() != label.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const bool ok = pattern[i] == 'd' ? std::isdigit(static_cast<unsigned char>(label[i])) != 0
                                      : pattern[i] == label[i];
    if (!ok) return false;
  }
  return true;
}

bool IsName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// --by and --unit together: a dimension other than total needs a unit when
// `unit_required`; a unit needs a dimension.
absl::Status CheckUnitSelection(const std::string& by, const std::string& unit,
                                bool unit_required) {
  if (!by.empty()) {
    const auto& known = KpiDimensions();
    if (std::find(known.begin(), known.end(), by) == known.end()) {
      return FlagError("--by", by, "unknown dimension; one of: " + absl::StrJoin(known, ", "));
    }
  }
  const bool total = by.empty() || by == "total";
  if (total && !unit.empty()) {
    return FlagError("--unit", unit, "needs --by (e.g. --by department --unit " + unit + ")");
  }
  if (!total && unit.empty() && unit_required) {
    return absl::InvalidArgumentError("--by " + by + " needs --unit (which " + by + ")");
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& KpiDimensions() {
  static const auto* dimensions = new std::vector<std::string>{
      "total", "department", "channel", "category", "region",
      "station", "band", "agent", "plan", "level"};
  return *dimensions;
}

absl::StatusOr<mv1::Period> ParsePeriod(std::string_view flag, std::string_view value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(std::string(flag) +
                                      " is required: SIZE[:LABEL], e.g. day or day:2026-12-02");
  }
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(Absl(value), absl::MaxSplits(':', 1));
  absl::StatusOr<mv1::WindowSize> size = ParseEnum<mv1::WindowSize>(Std(parts.first));
  if (!size.ok()) {
    return FlagError(flag, value,
                     "unknown window size; one of: " +
                         absl::StrJoin(EnumShortNames<mv1::WindowSize>(), ", "));
  }
  if (value.find(':') != std::string_view::npos && parts.second.empty()) {
    return FlagError(flag, value, "empty label after ':' (leave out ':' for the current window)");
  }
  if (absl::Status s = CheckPeriodLabel(flag, *size, Std(parts.second)); !s.ok()) return s;
  mv1::Period period;
  period.set_size(*size);
  period.set_label(std::string(parts.second));
  return period;
}

absl::Status CheckPeriodLabel(std::string_view flag, mv1::WindowSize size,
                              std::string_view label) {
  if (label.empty()) return absl::OkStatus();
  for (const LabelShape& shape : kLabelShapes) {
    if (shape.size != size) continue;
    if (Matches(shape.pattern, label)) return absl::OkStatus();
    return FlagError(flag, label,
                     "not a " + EnumShortName(size) + " label (e.g. " +
                         std::string(shape.example) + ")");
  }
  return FlagError(flag, label, "no window size");
}

absl::StatusOr<std::vector<std::string>> ParseKpiNames(std::string_view what,
                                                       std::string_view value) {
  std::vector<std::string> names;
  std::set<std::string_view> seen;
  for (absl::string_view piece : absl::StrSplit(Absl(value), ',')) {
    const std::string_view name = Std(piece);
    if (!IsName(name)) {
      return FlagError(what, value,
                       name.empty() ? "empty KPI name" : "bad KPI name \"" + std::string(name) +
                                                             "\" (see sqmsctl kpi defs)");
    }
    if (!seen.insert(name).second) {
      return FlagError(what, value, "KPI \"" + std::string(name) + "\" given twice");
    }
    names.emplace_back(name);
  }
  return names;
}

absl::StatusOr<std::vector<mv1::RankingKpi>> ParseRankingKpis(std::string_view value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(
        "--kpi is required: NAME[=WEIGHT],…, e.g. answer_rate=2,satisfaction_rate=1");
  }
  std::vector<mv1::RankingKpi> kpis;
  std::set<std::string_view> seen;
  for (absl::string_view piece : absl::StrSplit(Absl(value), ',')) {
    const std::string_view item = Std(piece);
    std::pair<absl::string_view, absl::string_view> split =
        absl::StrSplit(piece, absl::MaxSplits('=', 1));
    const std::pair<std::string_view, std::string_view> parts = {Std(split.first),
                                                                 Std(split.second)};
    if (!IsName(parts.first)) {
      return FlagError("--kpi", value, "bad item \"" + std::string(item) +
                                           "\" (NAME[=WEIGHT], e.g. answer_rate=2)");
    }
    if (!seen.insert(parts.first).second) {
      return FlagError("--kpi", value, "KPI \"" + std::string(parts.first) + "\" given twice");
    }
    double weight = 1;
    if (item.find('=') != std::string_view::npos &&
        (!absl::SimpleAtod(split.second, &weight) || !(weight > 0) || !std::isfinite(weight))) {
      return FlagError("--kpi", value,
                       "weight of " + std::string(parts.first) + " must be a finite number > 0, " +
                           "not \"" + std::string(parts.second) + "\"");
    }
    mv1::RankingKpi& kpi = kpis.emplace_back();
    kpi.set_kpi(std::string(parts.first));
    kpi.set_weight(weight);
  }
  return kpis;
}

absl::StatusOr<mv1::GetKpiRequest> BuildGetKpiRequest(const KpiGetFlags& flags) {
  absl::StatusOr<std::vector<std::string>> names = ParseKpiNames("KPI", flags.kpi);
  if (!names.ok()) return names.status();
  if (names->size() != 1) {
    return FlagError("KPI", flags.kpi, "one KPI only (several: sqmsctl kpi query)");
  }
  absl::StatusOr<mv1::Period> period = ParsePeriod("--period", flags.period);
  if (!period.ok()) return period.status();
  if (absl::Status s = CheckUnitSelection(flags.by, flags.unit, true); !s.ok()) return s;
  mv1::GetKpiRequest request;
  request.set_kpi(flags.kpi);
  *request.mutable_period() = *period;
  request.set_dimension(flags.by);
  request.set_unit(flags.unit);
  if (flags.compare == "previous") {
    request.set_compare_previous(true);
  } else if (!flags.compare.empty()) {
    // A baseline is a window of the same size.
    if (absl::Status s = CheckPeriodLabel("--compare", period->size(), flags.compare); !s.ok()) {
      return absl::InvalidArgumentError(std::string(s.message()) +
                                        "; or --compare previous");
    }
    request.mutable_baseline()->set_size(period->size());
    request.mutable_baseline()->set_label(flags.compare);
  }
  request.set_drill(flags.drill);
  return request;
}

absl::StatusOr<mv1::QueryKpisRequest> BuildQueryKpisRequest(const KpiQueryFlags& flags) {
  absl::StatusOr<std::vector<std::string>> names = ParseKpiNames("KPI", flags.kpis);
  if (!names.ok()) return names.status();
  if (names->size() > kMaxQueryKpis) {
    return FlagError("KPI", flags.kpis,
                     "at most " + std::to_string(kMaxQueryKpis) + " KPIs in one query");
  }
  absl::StatusOr<mv1::Period> period = ParsePeriod("--period", flags.period);
  if (!period.ok()) return period.status();
  if (!period->label().empty()) {
    return FlagError("--period", flags.period,
                     "a size only here; the periods are --from and --to (e.g. --period day "
                     "--from " + period->label() + ")");
  }
  if (flags.from.empty()) {
    return absl::InvalidArgumentError("--from is required: the first period's label");
  }
  if (absl::Status s = CheckPeriodLabel("--from", period->size(), flags.from); !s.ok()) return s;
  if (absl::Status s = CheckPeriodLabel("--to", period->size(), flags.to); !s.ok()) return s;
  if (absl::Status s = CheckUnitSelection(flags.by, flags.unit, false); !s.ok()) return s;
  if (!flags.compare.empty() && flags.compare != "previous") {
    return FlagError("--compare", flags.compare, "a query compares with the previous period only");
  }
  mv1::QueryKpisRequest request;
  for (const std::string& name : *names) request.add_kpis(name);
  request.set_size(period->size());
  request.set_from(flags.from);
  request.set_to(flags.to);
  request.set_dimension(flags.by);
  request.set_unit(flags.unit);
  request.set_compare_previous(flags.compare == "previous");
  request.set_drill(flags.drill);
  return request;
}

absl::StatusOr<mv1::RankUnitsRequest> BuildRankUnitsRequest(const KpiRankFlags& flags) {
  absl::StatusOr<mv1::Period> period = ParsePeriod("--period", flags.period);
  if (!period.ok()) return period.status();
  if (flags.by.empty() || flags.by == "total") {
    return absl::InvalidArgumentError(
        "--by is required: the dimension whose units are ranked (e.g. --by department)");
  }
  if (absl::Status s = CheckUnitSelection(flags.by, "", false); !s.ok()) return s;
  absl::StatusOr<std::vector<mv1::RankingKpi>> kpis = ParseRankingKpis(flags.kpis);
  if (!kpis.ok()) return kpis.status();
  if (flags.bottom < 1) {
    return FlagError("--bottom", std::to_string(flags.bottom), "must be at least 1");
  }
  mv1::RankUnitsRequest request;
  *request.mutable_period() = *period;
  request.set_dimension(flags.by);
  for (mv1::RankingKpi& kpi : *kpis) *request.add_kpis() = std::move(kpi);
  request.set_bottom_n(flags.bottom);
  if (flags.min_sample != -1) {
    if (flags.min_sample < 0) {
      return FlagError("--min-sample", std::to_string(flags.min_sample), "must be at least 0");
    }
    request.set_min_sample(flags.min_sample);
  }
  return request;
}

absl::StatusOr<mv1::WatchKpisRequest> BuildWatchKpisRequest(const KpiWatchFlags& flags) {
  absl::StatusOr<std::vector<std::string>> names = ParseKpiNames("KPI", flags.kpis);
  if (!names.ok()) return names.status();
  if (names->size() > kMaxQueryKpis) {
    return FlagError("KPI", flags.kpis,
                     "at most " + std::to_string(kMaxQueryKpis) + " KPIs in one watch");
  }
  absl::StatusOr<mv1::Period> period = ParsePeriod("--period", flags.period);
  if (!period.ok()) return period.status();
  if (!period->label().empty()) {
    return FlagError("--period", flags.period,
                     "a size only here: a watch follows the window that contains now "
                     "(--previous N adds the N before it)");
  }
  if (absl::Status s = CheckUnitSelection(flags.by, flags.unit, false); !s.ok()) return s;
  if (flags.previous < 0 || flags.previous > 31) {
    return FlagError("--previous", std::to_string(flags.previous), "must be 0..31");
  }
  mv1::WatchKpisRequest request;
  for (const std::string& name : *names) request.add_kpis(name);
  request.set_size(period->size());
  request.set_dimension(flags.by);
  request.set_unit(flags.unit);
  request.set_previous_windows(flags.previous);
  request.set_drill(flags.drill);
  return request;
}

}  // namespace sqms::tools
