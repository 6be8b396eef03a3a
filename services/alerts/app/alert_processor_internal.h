#pragma once
// Helpers AlertProcessor's two files share (alert_processor.cc: intake;
// muted_alerts.cc: kept muted alerts). Not for other callers.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/domain/inhibition.h"
#include "services/alerts/domain/silence.h"
#include "services/alerts/ports/alert_store.h"

namespace sqms::alerts::app::internal {

// The recorded answer of an alert (the "seen" record): one line per
// decision, fields tab-separated; Decode marks the result replayed.
std::string EncodeAnswer(const ProcessResult& result);
ProcessResult DecodeAnswer(const std::string& text);

// Muted (silenced or inhibited): no final answer for an alert id.
bool IsMuted(const Decision& decision);

// What may mute a firing alert now: the silences, and the active real
// incidents when an inhibition rule could target these labels at all (most
// alerts match no rule's target, and the list is a read of every incident).
struct Mutes {
  std::vector<domain::Silence> silences;
  std::vector<domain::ActiveIncident> active;
};
absl::StatusOr<Mutes> LoadMutes(ports::AlertStore& store, const CatalogData& catalog,
                                const domain::Labels& labels);

}  // namespace sqms::alerts::app::internal
