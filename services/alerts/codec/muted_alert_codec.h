#pragma once
// Kept muted alerts (ports::MutedAlert) → sqms.alerts.v1.MutedAlert, for
// ListMutedAlerts; the API only reads them. An infinite time (none the
// processor writes) leaves its Timestamp unset.

#include "services/alerts/ports/alert_store.h"
#include "sqms/alerts/v1/service.pb.h"

namespace sqms::alerts::codec {

// The fingerprint, the alert's labels, annotations, source and start
// (starts_at), kept_at and every mute in the kept alert's order.
::sqms::alerts::v1::MutedAlert MutedAlertToProto(const ports::MutedAlert& muted);

}  // namespace sqms::alerts::codec
