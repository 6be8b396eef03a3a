// Human renderings of sqms.metrics.v1 answers for `sqmsctl kpi`. Pure: no
// I/O, no RPC; times through FormatTimestamp (the operator's zone).
//
// A KpiValue does not carry its KPI's unit, so the commands fetch the
// definitions once (ListKpiDefinitions) and pass them as a KpiCatalog. A KPI
// missing from the catalog is shown as a bare number.
//
// Numbers by the KPI's unit (KpiDefinition.unit):
//   percent  two decimals and " %"                   "92.44 %"
//   seconds  whole seconds from 10 s up               "37 s", "4.5 s"
//   count    whole                                    "1204"
//   score    two decimals, trailing zeros dropped     "−12", "81.5", "−6.25"
//   per_10000  two decimals and " ‱" (per 10,000)     "0.35 ‱"
// Rounded to the nearest, halves away from zero (−6.25 at one decimal
// would be "−6.3", not printf's "−6.2"). Negative numbers take the minus
// sign U+2212 ("−12"); no value (the denominator was 0) is "-". JSON
// output carries the exact numbers; only these texts round.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sqms/metrics/v1/service.pb.h"
#include "tools/sqmsctl/output.h"

namespace sqms::tools {

using KpiCatalog = std::map<std::string, metrics::v1::KpiDefinition, std::less<>>;

KpiCatalog CatalogOf(const metrics::v1::ListKpiDefinitionsResponse& response);

// `number` in `unit` as above ("percent", "seconds", "count", "score",
// "per_10000" as "0.35 ‱"; anything else: up to 4 significant digits).
std::string FormatKpiNumber(double number, const std::string& unit);

// A value and its target's threshold, as FormatKpiNumber unless both would
// print the same while the value is not the threshold: then each is rounded
// toward its own side (a value below the threshold down, the threshold up,
// and the reverse above), so that a miss never reads as the target met:
// 94.999 against 95 is "94.99 %" and "95.00 %". {value, threshold}.
std::pair<std::string, std::string> FormatKpiAgainstTarget(double value, double threshold,
                                                           const std::string& unit);

// A change in the KPI's unit, always signed: "+1.2 pp" (percentage points),
// "−3 s", "+5".
std::string FormatKpiChange(double change, const std::string& unit);

// One table cell: the value ("-" when none), then " (n/d)" when
// with_counts, " r<revision>" when corrected after its window closed, and
// with a comparison " Δ<change>" plus "*" when significant.
std::string KpiCell(const metrics::v1::KpiValue& value, const KpiCatalog& catalog,
                    bool with_counts);

// NAME, TITLE, FORMULA, UNIT, DIRECTION (higher / lower is better).
Table KpiDefinitionsTable(const metrics::v1::ListKpiDefinitionsResponse& response);

// "key: value" lines of one value: kpi and title, period (label, size,
// start → end, open/closed), unit, value with n/d, revision, comparison.
std::string KpiValueDetail(const metrics::v1::KpiValue& value, const KpiCatalog& catalog);

// One row per period and unit (in the answer's order), one column per KPI of
// `kpis` (cells as KpiCell): PERIOD, the dimension in capitals ("DEPARTMENT";
// "UNIT" for the total), then the KPI names.
Table KpiQueryTable(const metrics::v1::QueryKpisResponse& response,
                    const std::vector<std::string>& kpis, const std::string& dimension,
                    const KpiCatalog& catalog, bool with_counts);

// The ranking table (POS, UNIT, WRSR, TIER, FLAGGED, one column per ranked
// KPI), then the fit "RSR = a + b·probit" and the units left out.
std::string RankUnitsText(const metrics::v1::RankUnitsResponse& response,
                          const std::vector<std::string>& kpis, const KpiCatalog& catalog);

// ExplainKpi: the value (as KpiValueDetail), formula, numerator and
// denominator by counter name, late events and revision, then every counter
// and the events by type as two-column tables sorted by name.
std::string ExplainKpiText(const metrics::v1::KpiExplanation& explanation);

// ListBreaches as a table, newest first: time, event, KPI, unit, period,
// value against threshold, sample.
Table KpiBreachesTable(const metrics::v1::ListBreachesResponse& response, const KpiCatalog& catalog);

// `sqmsctl kpi watch`, one line per KpiUpdate under KpiWatchHeader: AT (when
// the service read it, in the operator's zone), KIND ("snapshot" when the
// stream opened, then "change" or "correction"), KPI, PERIOD, UNIT, then the
// value as KpiCell with counts and " closed" once the window's end plus the
// grace period passed.
std::string KpiWatchHeader();
std::string KpiWatchLine(const metrics::v1::KpiUpdate& update, const KpiCatalog& catalog);

}  // namespace sqms::tools
