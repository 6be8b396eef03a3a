#pragma once
// The KPI catalogue: one definition per KPI (requirements.md §2, issue 8
// §1). A KPI is a formula over the counters of one window and unit; adding
// a KPI is adding one row to the table in kpi.cc, nothing else.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "services/metrics/domain/counters.h"

namespace sqms::metrics::domain {

enum class Direction { kHigherIsBetter, kLowerIsBetter };

enum class Unit {
  kPercent,  // 0..100
  kSeconds,
  kCount,
  kScore,  // NPS −100..100, CSI 20..100
  // Per 10,000 of a volume base (the complaint rate): a fraction most days
  // (35 complaints of 1,000,000 passengers is 0.35), so never shown as a
  // whole count.
  kPerTenThousand,
};

// How the value is computed from numerator n, denominator d (and n2):
enum class Form {
  kRatio,           // n / d × 100
  kOneMinusRatio,   // (1 − n / d) × 100
  kMean,            // n / d
  kCount,           // n, less n2 when the KPI has one (d unused)
  kNps,             // (n − n2) / d × 100
  kIndex,           // n / d × 20  (a 1..5 weighted mean × 20: 20..100)
  kPerTenThousand,  // n (less n2 when set) / base × 10,000 (base: Bases::volume; none
                    // configured → no value)
  kScheduleShare,   // (1 − n / Bases::scheduled_seconds) × 100 (system reliability)
  kP90,             // the 90th percentile of a duration histogram whose bucket 0 is the
                    // numerator (duration_buckets.h); no denominator counter
};

struct KpiDefinition {
  std::string_view name;         // stable id, e.g. "answer_rate"
  std::string_view title;        // "Call answer rate 接通率"
  std::string_view formula;      // human-readable, e.g. "answered / offered × 100 %"
  Form form;
  Counter numerator;
  std::optional<Counter> denominator;   // none for kCount
  std::optional<Counter> numerator2;    // kNps: the detractors; kCount, kPerTenThousand:
                                        // subtracted (linked duplicates)
  std::span<const std::string_view> sources;  // event types it reads (EventTypeName)
  Unit unit;
  Direction direction;
};

// Every KPI, in a fixed order (the docs' and the API's).
std::span<const KpiDefinition> KpiDefinitions();
const KpiDefinition* FindKpi(std::string_view name);

struct KpiValue {
  std::optional<double> value;  // none when the denominator is 0 (no sample)
  // The numerator counter, net of numerator2 where the KPI subtracts one:
  // kNps promoters − detractors (value = numerator / denominator × 100),
  // kCount and kPerTenThousand the count less linked duplicates.
  int64_t numerator = 0;
  int64_t denominator = 0;      // the sample size; for kCount, the count
  int64_t numerator2 = 0;       // the subtracted counter (NPS: detractors)
};

// What some KPIs divide by that no event carries, for one window and unit,
// from configuration (issue 8 §0): the scheduled working time of the
// platforms (system reliability) and a volume base (passengers,
// subscribers) for rates per 10,000.
struct Bases {
  std::optional<int64_t> scheduled_seconds;
  std::optional<int64_t> volume;
};

// Whether a window's calls all have their outcome. While a window is open
// (its end and the grace period not yet passed) some of its calls are
// still waiting in the queue: neither answered nor abandoned yet. Counting
// them as not answered would read an answer rate low — and breach its
// target — at the start of every window, then recover as the queue
// empties. So while open, the KPIs that divide by calls offered (answer
// rate, abandonment rate) divide by the calls with an outcome, answered +
// abandoned; once closed, by every call offered, the handbook's formula
// (a call whose outcome never came then counts as offered only).
enum class Settlement { kClosed, kOpen };

// The counter that, with the KPI's numerator, makes its denominator while
// the window is open (above): calls abandoned for the answer rate, calls
// answered for the abandonment rate; nullopt for every other KPI.
std::optional<Counter> OpenWindowOutcome(const KpiDefinition& kpi);

// For kPerTenThousand and kScheduleShare `denominator` in the result is the
// base used (0 and no value when the base is not configured). For kP90
// `denominator` is the number of observations in the histogram (the
// sample), `numerator` those in the buckets up to and including the one the
// percentile lies in, and the value the interpolated seconds
// (PercentileOfBuckets; in the +inf bucket its lower bound, 30 days).
// `settlement` as above (kOpen changes only the KPIs OpenWindowOutcome names).
KpiValue Compute(const KpiDefinition& kpi, const CounterValues& counters, const Bases& bases = {},
                 Settlement settlement = Settlement::kClosed);

}  // namespace sqms::metrics::domain
