#pragma once
// One WatchComplaints call: the runtime's fan-out write reactor over the
// complaint events hub (adapters/kafka_watch_hub.h) — bounded queue, oldest
// events dropped for a slow client (counted by the hub), ends with CANCELLED
// when the client leaves. See sqms/runtime/fan_out_reactor.h.

#include "services/complaints/adapters/kafka_watch_hub.h"
#include "sqms/runtime/fan_out_reactor.h"

namespace sqms::complaints::rpc {

using WatchReactor = runtime::FanOutWriteReactor<::sqms::events::v1::ComplaintEvent>;

}  // namespace sqms::complaints::rpc
