#include "services/metrics/adapters/kpi_processor.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/metrics/adapters/kpi_keys.h"
#include "services/metrics/adapters/kpi_processor_stats.h"
#include "services/metrics/codec/event_codec.h"
#include "services/metrics/codec/incident_codec.h"
#include "services/metrics/domain/counted_at.h"
#include "services/metrics/domain/outage.h"
#include "sqms/runtime/log.h"

namespace sqms::metrics::adapters {

using domain::WindowSize;

namespace {

std::string PartitionField(const std::string& topic, int32_t partition) {
  return absl::StrCat(topic, ":", partition);
}

int SizeIndex(WindowSize size) { return static_cast<int>(size); }

// Drill events fold against sets of their own (kpi_processor.h), kept as
// those of a topic of this name.
runtime::TopicPartition DrillSets(const runtime::TopicPartition& tp) {
  return {tp.topic + "#drill", tp.partition};
}

// An incident's marks as stored: "a" (acknowledgement counted), "r"
// (resolution counted), both, or "-" for none.
std::string EncodeMarks(const domain::IncidentMarks& m) {
  std::string out = absl::StrCat(m.acknowledged ? "a" : "", m.resolved ? "r" : "");
  return out.empty() ? "-" : out;
}

domain::IncidentMarks DecodeMarks(std::string_view s) {
  return {.acknowledged = s.find('a') != std::string_view::npos,
          .resolved = s.find('r') != std::string_view::npos};
}

}  // namespace

KpiProcessor::KpiProcessor(runtime::RedisClient& redis, KpiProcessorOptions options)
    : redis_(redis),
      options_(std::move(options)),
      roll_up_(options_.zone, options_.bands, options_.window_dimensions, options_.retention) {
  if (options_.metrics != nullptr) {
    stats_ = std::make_unique<KpiProcessorStats>(
        *options_.metrics,
        std::vector<std::string>{options_.complaints_topic, options_.contact_topic,
                                 options_.incidents_topic},
        options_.departments);
  }
}

KpiProcessor::~KpiProcessor() = default;

absl::Status KpiProcessor::LoadMarks(const runtime::TopicPartition& tp) {
  auto reply = redis_.Command({"HGETALL", IncidentMarksKey(tp.topic, tp.partition)});
  if (!reply.ok()) return reply.status();
  Marks& marks = marks_[PartitionField(tp.topic, tp.partition)];
  marks.clear();
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    marks[reply->elements[i].str] = DecodeMarks(reply->elements[i + 1].str);
  }
  return absl::OkStatus();
}

absl::Status KpiProcessor::LoadAdmitted(const std::vector<runtime::TopicPartition>& partitions) {
  if (partitions.empty()) return absl::OkStatus();
  std::vector<runtime::TopicPartition> sets = partitions;
  for (const auto& tp : partitions) sets.push_back(DrillSets(tp));
  std::vector<runtime::RedisClient::Argv> commands;
  for (const auto& tp : sets) {
    commands.push_back({"HGETALL", AdmittedUnitsKey(tp.topic, tp.partition)});
  }
  std::vector<absl::StatusOr<runtime::RedisReply>> replies = redis_.Pipeline(std::move(commands));
  for (size_t i = 0; i < sets.size() && i < replies.size(); ++i) {
    if (!replies[i].ok()) return replies[i].status();
    if (replies[i]->type == runtime::RedisReply::Type::kError) {
      return runtime::RedisErrorStatus(*replies[i], "admitted units");
    }
    const runtime::TopicPartition& tp = sets[i];
    domain::AdmittedValues& admitted = admitted_[PartitionField(tp.topic, tp.partition)];
    admitted.Clear();
    const auto& elements = replies[i]->elements;
    for (size_t f = 0; f + 1 < elements.size(); f += 2) {
      if (auto entry = domain::ParseAdmittedField(elements[f].str)) {
        admitted.Admit(entry->first, std::move(entry->second));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status KpiProcessor::OnAssigned(const std::vector<runtime::TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    if (tp.topic != options_.incidents_topic) continue;
    if (auto s = LoadMarks(tp); !s.ok()) return s;
  }
  if (auto s = LoadAdmitted(partitions); !s.ok()) return s;
  runtime::RedisClient::Argv argv = {"HMGET", WatermarksKey()};
  for (const auto& tp : partitions) argv.push_back(PartitionField(tp.topic, tp.partition));
  auto reply = redis_.Command(std::move(argv));
  if (!reply.ok()) return reply.status();
  for (size_t i = 0; i < partitions.size() && i < reply->elements.size(); ++i) {
    const std::string field = PartitionField(partitions[i].topic, partitions[i].partition);
    int64_t seconds = 0;
    if (!reply->elements[i].IsNil() && absl::SimpleAtoi(reply->elements[i].str, &seconds)) {
      watermarks_[field] = absl::FromUnixSeconds(seconds);
    } else {
      watermarks_.erase(field);
    }
  }
  return absl::OkStatus();
}

uint32_t KpiProcessor::LateSizes(absl::Time at, absl::Time watermark) const {
  // Every window containing `at` ends after it: an event within `grace` of
  // the watermark is on time for every size (the common case, no calendar work).
  if (watermark < at + options_.grace) return 0;
  uint32_t late = 0;
  for (WindowSize size : domain::AllWindowSizes()) {
    const domain::Window w = domain::WindowOf(at, size, options_.zone);
    if (w.end + options_.grace <= watermark) late |= 1u << SizeIndex(size);
  }
  return late;
}

absl::Time KpiProcessor::WatermarkOf(const runtime::ConsumedRecord& record,
                                     const std::vector<domain::Event>& events) const {
  absl::Time latest = absl::InfinitePast();
  for (const domain::Event& event : events) latest = std::max(latest, event.occurred_at);
  if (record.timestamp == std::chrono::system_clock::time_point()) return latest;  // none
  const absl::Time produced = absl::FromChrono(record.timestamp);
  return std::max(produced, std::min(latest, produced + options_.grace));
}

void KpiProcessor::Add(domain::Event& event, absl::Time counted_at, uint32_t late_sizes) {
  // Before the dimensions move into the grain: contributions may read them.
  const std::vector<domain::Increment> contributions =
      domain::Contributions(event, options_.policy);
  Grain grain{.minute = absl::ToUnixSeconds(counted_at) / 60,
              .dimensions = std::move(event.dimensions),
              .drill = event.drill,
              .late_sizes = late_sizes};
  GrainSums& sums = pending_.try_emplace(std::move(grain)).first->second;
  for (const domain::Increment& inc : contributions) {
    sums.counters[static_cast<int>(inc.counter)] += inc.by;
  }
  sums.events[event.body.index()] += 1;
  sums.records += 1;
}

absl::StatusOr<std::vector<domain::Event>> KpiProcessor::DecodeIncident(
    const runtime::ConsumedRecord& record) {
  auto change = codec::DecodeIncidentEvent(record.value);
  if (!change.ok()) return change.status();
  const std::string field = PartitionField(record.topic, record.partition);
  domain::IncidentMarks& marks = marks_[field][change->incident_id];
  domain::CountedChange out = domain::CountIncidentChange(*change, marks, options_.zone);
  if (!(out.marks == marks)) {
    marks = out.marks;
    dirty_marks_[{record.topic, record.partition}][change->incident_id] = out.marks;
  }
  return std::move(out.events);
}

absl::StatusOr<std::vector<domain::Event>> KpiProcessor::Decode(
    const runtime::ConsumedRecord& record) {
  if (record.topic == options_.incidents_topic) return DecodeIncident(record);
  if (record.topic == options_.complaints_topic) return codec::DecodeComplaintEvent(record.value);
  auto decoded = codec::DecodeContactEvent(record.value);
  if (!decoded.ok() || decoded->size() != 1 ||
      !std::holds_alternative<domain::OutageEnded>(decoded->front().body)) {
    return decoded;
  }
  // Its downtime counts in the windows it spanned (outage.h).
  return domain::SpreadOutage(std::move(decoded->front()), options_.zone);
}

void KpiProcessor::Fold(const std::string& partition_field, const runtime::TopicPartition& tp,
                        domain::Event& event) {
  domain::FoldOutcome fold = domain::FoldDimensions(event.dimensions, options_.cardinality,
                                                    admitted_[partition_field]);
  for (const auto& [dimension, value] : fold.admitted) {
    dirty_admitted_[tp].push_back(domain::AdmittedField(dimension, value));
  }
  if (event.drill) return;  // sqms_metrics_dimension_values_folded_total is official KPIs'
  for (domain::Dimension d : fold.folded) folded_[static_cast<size_t>(d)] += 1;
}

absl::Status KpiProcessor::Process(const runtime::ConsumedRecord& record,
                                   const absl::StatusOr<runtime::CloudEvent>& /*event*/) {
  auto decoded = Decode(record);
  if (!decoded.ok()) {
    // It will never parse: the consumer retries it, then dead-letters it.
    if (stats_) stats_->Event(record.topic, "unparsed");
    return decoded.status();
  }
  const std::string field = PartitionField(record.topic, record.partition);
  auto [it, inserted] = watermarks_.try_emplace(field, absl::InfinitePast());
  // The watermark first takes in the record's own time (WatermarkOf), then
  // every event is judged against it: what the record
  // counts at an earlier time — a reopen's revocation dated at the
  // resolution (reopen.h), a reopen or follow-up, a call's answer or
  // abandonment or a consultation's dispatch counted where it began
  // (counted_at.h), an outage's pieces
  // before its resolution or end (incident.h, outage.h) — corrects the
  // windows that closed by the record's own time, whichever of its events
  // comes first.
  it->second = std::max(it->second, WatermarkOf(record, *decoded));
  bool late = false;
  const runtime::TopicPartition tp{record.topic, record.partition};
  for (domain::Event& event : *decoded) {
    if (event.drill) {  // its own sets: never the official limit (kpi_processor.h)
      const runtime::TopicPartition drill = DrillSets(tp);
      Fold(PartitionField(drill.topic, drill.partition), drill, event);
    } else {
      Fold(field, tp, event);
    }
    const absl::Time counted_at = domain::CountedAt(event);
    const uint32_t late_sizes = LateSizes(counted_at, it->second);
    late = late || late_sizes != 0;
    Add(event, counted_at, late_sizes);
  }
  dirty_watermarks_[field] = it->second;
  if (stats_) stats_->Event(record.topic, decoded->empty() ? "ignored" : late ? "late" : "counted");
  return absl::OkStatus();
}

runtime::StateDelta KpiProcessor::TakeDelta() {
  runtime::StateDelta delta = roll_up_.RollUp(pending_);
  if (stats_) {
    for (const auto& [grain, sums] : pending_) {
      if (grain.drill) continue;
      auto& counters = unexported_[stats_->Department(grain.dimensions.department)];
      for (int c = 0; c < domain::kCounterCount; ++c) counters[c] += sums.counters[c];
    }
  }
  // Emptied element by element: a large flat_hash_map frees its table on
  // clear(), and jemalloc handed the next batch's table out as fresh pages,
  // a page fault each when first touched (docs/benchmarks.md). Erasing
  // keeps the table; slots in probe groups that were full stay tombstones
  // until a later insert rehashes the table in place.
  absl::erase_if(pending_, [](const auto&) { return true; });
  for (size_t d = 0; d < folded_.size(); ++d) unexported_folded_[d] += folded_[d];
  folded_ = {};
  for (const auto& [tp, fields] : dirty_admitted_) {
    const std::string key = AdmittedUnitsKey(tp.topic, tp.partition);
    for (const std::string& f : fields) delta.push_back(runtime::RedisWrite::HSet(key, f, "1"));
  }
  dirty_admitted_.clear();
  for (const auto& [field, at] : dirty_watermarks_) {
    delta.push_back(
        runtime::RedisWrite::HSet(WatermarksKey(), field, absl::StrCat(absl::ToUnixSeconds(at))));
  }
  dirty_watermarks_.clear();
  for (const auto& [tp, changed] : dirty_marks_) {
    const std::string key = IncidentMarksKey(tp.topic, tp.partition);
    for (const auto& [incident, marks] : changed) {
      delta.push_back(runtime::RedisWrite::HSet(key, incident, EncodeMarks(marks)));
    }
  }
  dirty_marks_.clear();
  return delta;
}

void KpiProcessor::OnCheckpointWritten() {
  if (stats_) {
    for (const auto& [department, sums] : unexported_) stats_->AddCounters(department, sums);
    stats_->AddFolded(unexported_folded_);
  }
  unexported_.clear();
  unexported_folded_ = {};
}

void KpiProcessor::OnRevoked(const std::vector<runtime::TopicPartition>& partitions) {
  unexported_.clear();  // a final checkpoint given up: the next owner counts them
  unexported_folded_ = {};
  for (const auto& tp : partitions) {
    const std::string field = PartitionField(tp.topic, tp.partition);
    watermarks_.erase(field);
    marks_.erase(field);
    dirty_marks_.erase(tp);
    admitted_.erase(field);
    dirty_admitted_.erase(tp);
    const runtime::TopicPartition drill = DrillSets(tp);
    admitted_.erase(PartitionField(drill.topic, drill.partition));
    dirty_admitted_.erase(drill);
  }
}

void KpiProcessor::OnFenced(const absl::Status& why) {
  runtime::log::Error("metrics consumer fenced; in-memory sums dropped",
                      {{"error", std::string(why.message())}});
  pending_.clear();
  unexported_.clear();
  watermarks_.clear();
  dirty_watermarks_.clear();
  marks_.clear();
  dirty_marks_.clear();
  folded_ = {};
  unexported_folded_ = {};
  admitted_.clear();
  dirty_admitted_.clear();
}

}  // namespace sqms::metrics::adapters
