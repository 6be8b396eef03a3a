#include "services/metrics/rpc/kpi_watch_stream.h"

#include <utility>

#include "google/protobuf/util/time_util.h"
#include "services/metrics/codec/kpi_codec.h"

namespace sqms::metrics::rpc {
namespace {

using google::protobuf::util::TimeUtil;

std::optional<domain::WindowSize> SizeOf(pb::WindowSize size) {
  if (size < pb::WINDOW_SIZE_MINUTE || size > pb::WINDOW_SIZE_QUARTER) return std::nullopt;
  // WindowSize's values follow domain::WindowSize's order, from 1.
  return static_cast<domain::WindowSize>(static_cast<int>(size) - 1);
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

app::WatchRequest FromProto(const pb::WatchKpisRequest& request) {
  return {.kpis = {request.kpis().begin(), request.kpis().end()},
          .size = SizeOf(request.size()),
          .dimension = request.dimension(),
          .unit = request.unit(),
          .previous_windows = request.previous_windows(),
          .drill = request.drill()};
}

void ToProto(const app::KpiUpdate& update, pb::KpiUpdate* out) {
  codec::ToProto(update.result, out->mutable_value());
  out->set_snapshot(update.snapshot);
  out->set_correction(update.correction);
  out->set_drill(update.key.drill);
  *out->mutable_observed_at() =
      TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(update.observed_at));
}

std::optional<app::FigureKey> FigureKeyOf(const pb::KpiUpdate& update) {
  const pb::KpiValue& v = update.value();
  const domain::KpiDefinition* kpi = domain::FindKpi(v.kpi());
  const std::optional<domain::WindowSize> size = SizeOf(v.size());
  const std::optional<domain::Dimension> dimension = domain::ParseDimension(v.dimension());
  if (kpi == nullptr || !size || !dimension) return std::nullopt;
  return app::FigureKey{.kpi = kpi, .size = *size, .start = TimeOf(v.start()),
                        .dimension = *dimension, .unit = v.unit(), .drill = update.drill()};
}

app::KpiWatcher::OnChange PublishTo(KpiUpdateHub& hub) {
  return [&hub](const app::KpiUpdate& update) {
    auto message = std::make_shared<pb::KpiUpdate>();
    ToProto(update, message.get());
    hub.Publish(message);
  };
}

KpiUpdateHub::Filter FilterFor(std::shared_ptr<const app::WatchTarget> target) {
  return [target = std::move(target)](const pb::KpiUpdate& update) {
    std::optional<app::FigureKey> key = FigureKeyOf(update);
    return key && target->Wants(*key);
  };
}

}  // namespace sqms::metrics::rpc
