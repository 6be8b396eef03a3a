#pragma once
// The metrics service's side of the exactly-once consumer
// (runtime::CheckpointingConsumer): events in, KPI counters out, written to
// Redis together with the offsets of exactly the records they came from.
//
// In memory, records are summed at the finest grain only — per minute of
// event time (domain/counted_at.h: a call's answer or abandonment at the
// call's offer), full set of dimensions, drill flag and lateness — so a
// record costs one map update whatever the number of windows and dimensions.
// TakeDelta rolls those sums up into every window size and the dimensions
// it keeps (cell_roll_up.h; options.window_dimensions; kpi_keys.h) as one
// vector per cell (HADDVECTOR: a cell's counters and event types in one hash
// field), so the write per checkpoint is bounded by the distinct cells
// touched, not by the records.
//
// Incidents (sqms.incidents.v1): domain/incident.h decides what a change
// counts given the incident's milestones already counted (its marks). The
// marks are kept per input partition (the incident id is the Kafka key, so
// one incident's changes share a partition and its owner), loaded on
// assign and written in the same checkpoint as the counts they guard: a
// redelivered change — or a second acknowledgement — never counts twice,
// across restarts and rebalances. Process does no I/O. The marks hash grows
// by one short field per incident (incidents are few: thousands a year);
// adding partitions to the topic moves ids and would recount them.
//
// Late events: each partition has a watermark (persisted with every
// checkpoint, reloaded on assign), the latest time a record moved it to:
// its events' latest occurred_at, but at most `grace` after the record's
// Kafka timestamp (its produce time), and at least that timestamp. So one
// event dated in the future (a clock set wrong) does not make the events
// after it late; and a record produced after its windows closed by the
// clock (queries call a window closed at its end plus grace) corrects them,
// with no later event needed. A record without a timestamp moves it to its
// events' latest occurred_at. An event whose window of some size — the
// window of the time it counts at (domain/counted_at.h), not necessarily of
// its occurred_at — ended more than `grace` before the watermark, its own
// record taken in, is late for that size: it is still counted — never dropped — and the window's
// `_late` counter and, once per checkpoint, its `_rev` revision increase. So a reopen's revocation
// of a first-contact resolution (domain/reopen.h: the reopen, then the revocation dated at the
// resolution) corrects the resolution's windows that had closed by the reopen, as does an outage's
// downtime those closed by its resolution, and a call's answer or
// abandonment those of the call's offer.
//
// Cardinality (domain/cardinality.h): each input partition admits up to a
// limit of values per dimension; the excess counts under "other" and in
// sqms_metrics_dimension_values_folded_total. The admitted set is per
// partition, loaded on assign and written in the same checkpoint as the
// counts it decided (kpi_keys.h), so a replay folds exactly as the first
// pass did. Like the marks, it is partition state: adding partitions to a
// topic moves keys to partitions with other sets. Drill events fold
// against sets of their own, under the same limits (kpi_keys.h: the
// partition's "<topic>#drill" sets), and are not counted in the folded
// metric: a drill with 500 made-up agents must not leave the real agents
// that come after it under "other" for good, and drill cells stay bounded.
//
// Threads: every CheckpointedProcessor method runs on the consumer's loop
// thread (runtime contract); the Prometheus counters are thread-safe.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/metrics/adapters/cell_roll_up.h"
#include "services/metrics/domain/cardinality.h"
#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/incident.h"
#include "services/metrics/domain/window.h"
#include "services/metrics/domain/window_dimensions.h"
#include "sqms/runtime/checkpointing_consumer.h"
#include "sqms/runtime/redis_client.h"

namespace prometheus { class Registry; }

namespace sqms::metrics::adapters {

class KpiProcessorStats;

struct KpiProcessorOptions {
  std::string complaints_topic = "sqms.complaints.v1";
  std::string contact_topic = "sqms.contact.v1";
  std::string incidents_topic = "sqms.incidents.v1";
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::Duration grace = absl::Minutes(5);
  domain::ContributionPolicy policy;
  std::vector<domain::DayBand> bands;
  // How long a window's aggregates are kept after it ended, per size
  // (indexed by WindowSize); zero or less keeps them forever.
  std::array<absl::Duration, 6> retention = {absl::Hours(24 * 7),    absl::Hours(24 * 90),
                                             absl::Hours(24 * 3660), absl::Hours(24 * 3660),
                                             absl::Hours(24 * 3660), absl::Hours(24 * 3660)};
  // The dimensions each window size is kept by; a cell of a dimension its
  // size does not keep is not written.
  domain::WindowDimensions window_dimensions;
  // Prometheus label `department` of sqms_kpi_counter_total: these ids,
  // "unknown" (not given) and "other" (anything else), so the series stay
  // bounded.
  std::vector<std::string> departments;
  // Values admitted per dimension and partition; the excess folds into "other".
  domain::CardinalityLimits cardinality = {};
  prometheus::Registry* metrics = nullptr;  // null: not exported
};

class KpiProcessor final : public runtime::CheckpointedProcessor {
 public:
  // Borrows `redis` (watermarks are read on assign); it must outlive this.
  KpiProcessor(runtime::RedisClient& redis, KpiProcessorOptions options);
  ~KpiProcessor() override;

  absl::Status OnAssigned(const std::vector<runtime::TopicPartition>& partitions) override;
  absl::Status Process(const runtime::ConsumedRecord& record,
                       const absl::StatusOr<runtime::CloudEvent>& event) override;
  runtime::StateDelta TakeDelta() override;
  void OnCheckpointWritten() override;
  void OnRevoked(const std::vector<runtime::TopicPartition>& partitions) override;
  void OnFenced(const absl::Status& why) override;

 private:
  // The domain events of one record; for an incident change, its marks
  // are updated in marks_ and dirty_marks_.
  absl::StatusOr<std::vector<domain::Event>> Decode(const runtime::ConsumedRecord& record);
  absl::StatusOr<std::vector<domain::Event>> DecodeIncident(const runtime::ConsumedRecord& record);
  absl::Status LoadMarks(const runtime::TopicPartition& partition);
  absl::Status LoadAdmitted(const std::vector<runtime::TopicPartition>& partitions);
  // Folds the dimensions of `event` (the record's partition's set) and
  // notes what was admitted and folded.
  void Fold(const std::string& partition_field, const runtime::TopicPartition& tp,
            domain::Event& event);
  uint32_t LateSizes(absl::Time at, absl::Time watermark) const;
  // The time `record`, whose events are `events`, moves its partition's
  // watermark to (at least; the watermark never goes back).
  absl::Time WatermarkOf(const runtime::ConsumedRecord& record,
                         const std::vector<domain::Event>& events) const;
  // Moves the event's dimensions into its grain, the minute of
  // `counted_at` (domain::CountedAt of the event).
  void Add(domain::Event& event, absl::Time counted_at, uint32_t late_sizes);

  runtime::RedisClient& redis_;
  const KpiProcessorOptions options_;
  std::unique_ptr<KpiProcessorStats> stats_;
  // The records since the last TakeDelta, summed per grain.
  Grains pending_;
  CellRollUp roll_up_;  // borrows options_
  // The Prometheus increments of the delta taken last, by department label:
  // counted once that delta is written.
  std::map<std::string, domain::CounterValues> unexported_;
  // Events folded per Dimension: since the last TakeDelta, and in the
  // delta taken last (exported once it is written).
  std::array<int64_t, domain::kDimensionCount> folded_{};
  std::array<int64_t, domain::kDimensionCount> unexported_folded_{};
  // "<topic>:<partition>" → its watermark (above).
  std::map<std::string, absl::Time> watermarks_;
  std::map<std::string, absl::Time> dirty_watermarks_;
  // "<topic>:<partition>" of the incidents topic → incident id → its marks
  // (all of the partition's), and those changed since the last TakeDelta.
  using Marks = std::map<std::string, domain::IncidentMarks>;
  std::map<std::string, Marks> marks_;
  std::map<runtime::TopicPartition, Marks> dirty_marks_;
  // "<topic>:<partition>" → the values it admitted (every input topic), and
  // the fields (AdmittedField) admitted since the last TakeDelta.
  std::map<std::string, domain::AdmittedValues> admitted_;
  std::map<runtime::TopicPartition, std::vector<std::string>> dirty_admitted_;
};

}  // namespace sqms::metrics::adapters
