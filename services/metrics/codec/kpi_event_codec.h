#pragma once
// A target's or surge rule's event → the sqms.kpi.v1 payload
// (sqms.events.v1.KpiEvent).

#include <string>

#include "services/metrics/ports/target_store.h"

namespace sqms::metrics::codec {

struct EncodedKpiEvent {
  std::string key;       // "<kpi>|<dimension>|<unit>"
  std::string type;      // CloudEvents type, e.g. "sqms.kpi.v1.breached"
  std::string payload;   // serialized KpiEvent
};

EncodedKpiEvent EncodeKpiEvent(const ports::TargetEvent& event, const std::string& event_id);

}  // namespace sqms::metrics::codec
