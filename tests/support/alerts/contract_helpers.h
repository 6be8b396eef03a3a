#pragma once
// Building blocks of the AlertStore contract tests (alert_store_contract*.cc).

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/alerts/ports/alert_store.h"

namespace sqms::alerts::testing {

// Whole seconds: Redis keeps times in milliseconds.
inline const absl::Time kT0 = absl::FromUnixSeconds(1780000000);

// The value, or a recorded failure and T{} when `v` is an error.
template <typename T>
T ValueOf(absl::StatusOr<T> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *std::move(v) : T{};
}

// A triggered incident of plan "safety" for station S1 (group
// "safety|station=S1"), opened at kT0 with one firing alert, two steps.
inline ports::Incident SampleIncident(const std::string& id) {
  ports::Incident i;
  i.id = id;
  i.plan_id = "safety";
  i.risk_id = "test-risk";
  i.title = "Safety complaint — S1";
  i.level = "I";
  i.group_key = "safety|station=S1";
  i.labels = {{"station", "S1"}};
  i.first_alert = {{"alertname", "complaint_submitted"}, {"station", "S1"}};
  i.opened_at = kT0;
  i.alerts = {{"fp-1", true}};
  i.alert_started = {{"fp-1", kT0 - absl::Seconds(30)}};
  i.alerts_total = 1;
  i.steps.resize(2);
  i.timeline.push_back({kT0, "system", "opened", "plan safety activated, level I"});
  return i;
}

// A pending delivery of `incident_id` to target "sink", created at kT0.
inline ports::Delivery SampleDelivery(const std::string& id, const std::string& incident_id,
                                      const std::string& kind) {
  ports::Delivery d;
  d.id = id;
  d.incident_id = incident_id;
  d.target = "sink";
  d.kind = kind;
  d.recipients = {"duty-manager"};
  d.decided_version = 1;
  d.created_at = kT0;
  return d;
}

inline ports::IncidentWrite CreateOf(ports::Incident incident) {
  ports::IncidentWrite w;
  w.incident = std::move(incident);
  w.expected_version = 0;
  return w;
}

// A change of `stored` (as read or as last written) at its version.
inline ports::IncidentWrite UpdateOf(const ports::Incident& stored) {
  ports::IncidentWrite w;
  w.incident = stored;
  w.expected_version = stored.version;
  return w;
}

}  // namespace sqms::alerts::testing
