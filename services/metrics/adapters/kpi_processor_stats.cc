#include "services/metrics/adapters/kpi_processor_stats.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/metrics/domain/cardinality.h"

namespace sqms::metrics::adapters {
namespace {

constexpr const char* kOutcomes[] = {"counted", "late", "ignored", "unparsed"};
static_assert(std::size(kOutcomes) == KpiProcessorStats::kOutcomeCount);

}  // namespace

KpiProcessorStats::KpiProcessorStats(prometheus::Registry& registry,
                                     const std::vector<std::string>& topics,
                                     std::vector<std::string> departments)
    : events_(prometheus::BuildCounter()
                  .Name("sqms_metrics_events_total")
                  .Help("Input events by topic and outcome: counted, late (counted after "
                        "their window closed), ignored (no KPI reads them), unparsed")
                  .Register(registry)),
      counters_(prometheus::BuildCounter()
                    .Name("sqms_kpi_counter_total")
                    .Help("KPI numerators and denominators as checkpointed, by department "
                          "(configured ids, unknown, other); official figures only")
                    .Register(registry)),
      folded_(prometheus::BuildCounter()
                  .Name("sqms_metrics_dimension_values_folded_total")
                  .Help("Events whose value of a dimension was counted under \"other\" "
                        "because the partition had admitted the dimension's limit of values")
                  .Register(registry)),
      departments_(std::move(departments)) {
  for (const std::string& topic : topics) {
    auto& series = by_topic_[topic];
    for (size_t o = 0; o < std::size(kOutcomes); ++o) {
      series[o] = &events_.Add({{"topic", topic}, {"outcome", kOutcomes[o]}});
    }
  }
  departments_.push_back("unknown");
  departments_.push_back("other");
  for (const std::string& department : departments_) {
    auto& series = by_department_[department];
    for (int c = 0; c < domain::kCounterCount; ++c) {
      const auto counter = static_cast<domain::Counter>(c);
      series[c] = domain::IsBucketCounter(counter)
                      ? nullptr
                      : &counters_.Add({{"counter", std::string(domain::CounterName(counter))},
                                        {"department", department}});
    }
  }
  for (domain::Dimension d : domain::FoldableDimensions()) {
    by_dimension_[static_cast<size_t>(d)] =
        &folded_.Add({{"dimension", std::string(domain::DimensionName(d))}});
  }
}

void KpiProcessorStats::Event(const std::string& topic, const char* outcome) {
  // Once per record: the series created up front, found without building
  // a label map (prometheus-cpp's Family::Add hashes one and takes a lock).
  if (auto t = by_topic_.find(topic); t != by_topic_.end()) {
    for (size_t o = 0; o < std::size(kOutcomes); ++o) {
      if (std::strcmp(kOutcomes[o], outcome) == 0) {
        t->second[o]->Increment();
        return;
      }
    }
  }
  events_.Add({{"topic", topic}, {"outcome", outcome}}).Increment();
}

const std::string& KpiProcessorStats::Department(const std::string& id) const {
  const auto configured_end = departments_.end() - 2;
  if (id.empty()) return *configured_end;  // "unknown"
  auto it = std::find(departments_.begin(), configured_end, id);
  return it != configured_end ? *it : departments_.back();
}

void KpiProcessorStats::AddCounters(const std::string& department,
                                    const domain::CounterValues& sums) {
  auto& series = by_department_.at(department);
  for (int c = 0; c < domain::kCounterCount; ++c) {
    if (sums[c] != 0 && series[c] != nullptr) series[c]->Increment(static_cast<double>(sums[c]));
  }
}

void KpiProcessorStats::AddFolded(const std::array<int64_t, domain::kDimensionCount>& folded) {
  for (size_t d = 0; d < folded.size(); ++d) {
    if (folded[d] != 0 && by_dimension_[d] != nullptr) {
      by_dimension_[d]->Increment(static_cast<double>(folded[d]));
    }
  }
}

}  // namespace sqms::metrics::adapters
