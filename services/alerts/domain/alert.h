#pragma once
// One alert as every source delivers it: complaint and KPI events (Kafka),
// RaiseAlert (gRPC) and Alertmanager's webhook (HTTP) are all turned into
// this before anything else looks at them.

#include <string>

#include "absl/time/time.h"
#include "services/alerts/domain/labels.h"

namespace sqms::alerts::domain {

struct Alert {
  // What makes a redelivery recognisable: the event's ce_id, the RaiseAlert
  // request id, or for Alertmanager "<fingerprint>|<startsAt>|<status>".
  std::string id;
  std::string source;  // "complaints", "metrics", "api", "alertmanager"
  Labels labels;
  Labels annotations;
  bool firing = true;  // false: resolved
  bool drill = false;
  absl::Time at;       // when it started (firing) or ended (resolved)
  // Who raised it, for the timeline entries it causes: RaiseAlert's caller
  // (the token's subject); "" for the other sources ("system").
  std::string actor;
};

// Whether `t` is a real instant: an alert's time, or any time the alerts
// model keeps, says "none" or "not yet" with InfinitePast and "none due"
// with InfiniteFuture.
inline bool IsFinite(absl::Time t) {
  return t != absl::InfinitePast() && t != absl::InfiniteFuture();
}

}  // namespace sqms::alerts::domain
