#include "services/metrics/codec/kpi_event_codec.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "sqms/events/v1/kpi_event.pb.h"

namespace sqms::metrics::codec {
namespace {

namespace ev = ::sqms::events::v1;

std::pair<ev::KpiEventType, std::string> TypeOf(ports::TargetEventType type) {
  switch (type) {
    case ports::TargetEventType::kBreached: return {ev::KPI_EVENT_TYPE_BREACHED, "breached"};
    case ports::TargetEventType::kRecovered: return {ev::KPI_EVENT_TYPE_RECOVERED, "recovered"};
    case ports::TargetEventType::kMissedRepeatedly:
      return {ev::KPI_EVENT_TYPE_TARGET_MISSED_REPEATEDLY, "target_missed_repeatedly"};
    case ports::TargetEventType::kSurge: return {ev::KPI_EVENT_TYPE_SURGE, "surge"};
    case ports::TargetEventType::kSurgeEnded:
      return {ev::KPI_EVENT_TYPE_SURGE_ENDED, "surge_ended"};
  }
  return {ev::KPI_EVENT_TYPE_UNSPECIFIED, "unspecified"};
}

}  // namespace

EncodedKpiEvent EncodeKpiEvent(const ports::TargetEvent& e, const std::string& event_id) {
  const auto [type, name] = TypeOf(e.type);
  ev::KpiEvent out;
  out.set_event_id(event_id);
  out.set_type(type);
  *out.mutable_occurred_at() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(e.at));
  out.set_kpi(e.target.kpi);
  out.set_dimension(e.target.dimension);
  out.set_unit(e.unit);
  out.set_window(std::string(domain::WindowSizeName(e.target.window)));
  out.set_period(e.period);
  if (e.value.value) out.set_value(*e.value.value);
  out.set_threshold(e.target.threshold);
  out.set_hysteresis(e.target.hysteresis);
  out.set_sample(e.value.denominator);
  out.set_consecutive_misses(e.misses);
  out.set_direction(e.kpi != nullptr && e.kpi->direction == domain::Direction::kLowerIsBetter
                        ? "lower_is_better"
                        : "higher_is_better");
  if (e.type == ports::TargetEventType::kSurge || e.type == ports::TargetEventType::kSurgeEnded) {
    if (e.surge.baseline) out.set_baseline(*e.surge.baseline);
    out.set_baseline_weeks(e.surge.baseline_weeks);
    out.set_factor(e.surge.factor);
  }
  return {absl::StrCat(e.target.kpi, "|", e.target.dimension, "|", e.unit),
          absl::StrCat("sqms.kpi.v1.", name), out.SerializeAsString()};
}

}  // namespace sqms::metrics::codec
