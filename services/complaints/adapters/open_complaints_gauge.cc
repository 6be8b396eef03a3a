#include "services/complaints/adapters/open_complaints_gauge.h"

#include "services/complaints/codec/enum_labels.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::adapters {

OpenComplaintsGauge::OpenComplaintsGauge(ports::ComplaintRepository& repository)
    : repository_(repository) {}

runtime::MetricsServer::GaugeSeries OpenComplaintsGauge::Read() {
  auto counts = repository_.CountByStatusAndPriority();
  std::lock_guard<std::mutex> lock(mu_);
  if (counts.ok()) {
    last_ = *std::move(counts);
  } else {
    runtime::log::Warn("open complaints gauge: the store did not answer; showing the last counts",
                       {{"error", counts.status().ToString()}});
  }
  return Series(last_);
}

runtime::MetricsServer::GaugeSeries OpenComplaintsGauge::Series(const ports::StatusCounts& counts) {
  runtime::MetricsServer::GaugeSeries series;
  for (int s = 1; s <= domain::kStatusMax; ++s) {
    const auto status = static_cast<domain::Status>(s);
    if (status == domain::Status::kClosed) continue;
    for (int p = 1; p <= domain::kPriorityMax; ++p) {
      const auto priority = static_cast<domain::Priority>(p);
      auto it = counts.find({status, priority});
      series.push_back({{{"status", codec::Label(status)}, {"priority", codec::Label(priority)}},
                        it == counts.end() ? 0.0 : static_cast<double>(it->second)});
    }
  }
  return series;
}

}  // namespace sqms::complaints::adapters
