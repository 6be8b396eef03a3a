// The flags of `sqmsctl kpi …` turned into sqms.metrics.v1 requests. Pure:
// no I/O, no RPC. Every error is INVALID_ARGUMENT and its message names the
// flag (or argument) and the value, e.g.
//   --period "fortnight": unknown window size; one of: minute, hour, day, week, month, quarter
// so the command prints it as is and exits 2.
//
// Periods are written SIZE[:LABEL] ("day", "day:2026-12-02", "month:2026-12");
// no label is the window that contains now. Labels are those of the proto
// (service.proto): only their shape is checked here — the service checks the
// date itself, in its own time zone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/metrics/v1/service.pb.h"

namespace sqms::tools {

// The dimensions a KPI is broken down by (services/metrics/domain/dimension.h).
const std::vector<std::string>& KpiDimensions();

// "day" → {DAY, ""}; "day:2026-12-02" → {DAY, "2026-12-02"}. `flag` names
// the flag in errors.
absl::StatusOr<metrics::v1::Period> ParsePeriod(std::string_view flag, std::string_view value);

// OK when `label` has the shape of a label of `size` ("2026-12-02" for a
// day, "2026-W49" for a week, "2026-Q4" for a quarter, …); "" is accepted
// (the current window).
absl::Status CheckPeriodLabel(std::string_view flag, metrics::v1::WindowSize size,
                              std::string_view label);

// "answer_rate,abandon_rate" → both names, in order; empty, repeated or
// malformed names (other than [a-z0-9_]) are errors naming `what`.
absl::StatusOr<std::vector<std::string>> ParseKpiNames(std::string_view what,
                                                       std::string_view value);

// "answer_rate=2,satisfaction_rate=1" → ranking KPIs; a name without
// "=WEIGHT" weighs 1; a weight must be a number > 0. Errors name --kpi.
absl::StatusOr<std::vector<metrics::v1::RankingKpi>> ParseRankingKpis(std::string_view value);

// `sqmsctl kpi get|explain KPI --period … [--by D --unit U] [--compare previous|LABEL] [--drill]`.
struct KpiGetFlags {
  std::string kpi;
  std::string period;   // SIZE[:LABEL], required
  std::string by;       // dimension; "" = total
  std::string unit;     // required with --by (other than total)
  std::string compare;  // "", "previous" or a label of the period's size
  bool drill = false;
};
absl::StatusOr<metrics::v1::GetKpiRequest> BuildGetKpiRequest(const KpiGetFlags& flags);

// `sqmsctl kpi query KPI[,KPI…] --period SIZE --from LABEL [--to LABEL] [--by D] [--unit U]
//  [--compare previous] [--drill]`.
struct KpiQueryFlags {
  std::string kpis;     // comma-separated, at most 20
  std::string period;   // SIZE only: the range is --from/--to
  std::string from;
  std::string to;
  std::string by;
  std::string unit;
  std::string compare;  // "" or "previous"
  bool drill = false;
};
absl::StatusOr<metrics::v1::QueryKpisRequest> BuildQueryKpisRequest(const KpiQueryFlags& flags);

// `sqmsctl kpi rank --period SIZE[:LABEL] --by D --kpi NAME[=WEIGHT],… [--bottom N]
// [--min-sample N]`.
struct KpiRankFlags {
  std::string period;
  std::string by;      // required, not "total"
  std::string kpis;    // --kpi
  int bottom = 1;      // flagged units, >= 1
  int min_sample = -1;  // >= 0; -1: not given (the service's default, 30)
};
absl::StatusOr<metrics::v1::RankUnitsRequest> BuildRankUnitsRequest(const KpiRankFlags& flags);

// `sqmsctl kpi watch KPI[,KPI…] --period SIZE [--by D] [--unit U] [--previous N] [--drill]`:
// the window that contains now (and the N before it), as it changes.
struct KpiWatchFlags {
  std::string kpis;     // comma-separated, at most 20
  std::string period;   // SIZE only: the watch follows the current window
  std::string by;
  std::string unit;     // "" = every unit of --by
  int previous = 0;     // 0..31 windows before the current one
  bool drill = false;
};
absl::StatusOr<metrics::v1::WatchKpisRequest> BuildWatchKpisRequest(const KpiWatchFlags& flags);

}  // namespace sqms::tools
