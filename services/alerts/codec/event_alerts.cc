#include "services/alerts/codec/event_alerts.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/alerts/codec/timestamp_codec.h"
#include "services/alerts/domain/labels.h"
#include "sqms/complaints/v1/types.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/events/v1/kpi_event.pb.h"

namespace sqms::alerts::codec {
namespace {

namespace ev = ::sqms::events::v1;
namespace cpb = ::sqms::complaints::v1;
using domain::Alert;
using domain::Labels;

// "CATEGORY_SAFETY" → "safety": the enum value's name without its prefix,
// lower-cased; "" for UNSPECIFIED (and for values this build does not know).
std::string EnumLabel(const std::string& name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return "";
  std::string rest = name.substr(prefix.size());
  if (rest == "UNSPECIFIED") return "";
  return absl::AsciiStrToLower(rest);
}

}  // namespace

bool IsComplaintCategory(std::string_view name) {
  const std::string lower(name);
  cpb::Category category{};
  return !lower.empty() && absl::AsciiStrToLower(lower) == lower &&
         cpb::Category_Parse(absl::StrCat("CATEGORY_", absl::AsciiStrToUpper(lower)), &category) &&
         category != cpb::CATEGORY_UNSPECIFIED;
}

namespace {

// "PRIORITY_P1" → "P1" (the priority keeps its upper case: that is how
// people write it, and how plans match it).
std::string PriorityLabel(cpb::Priority priority) {
  return absl::AsciiStrToUpper(EnumLabel(cpb::Priority_Name(priority), "PRIORITY_"));
}

// Only non-empty values: a label is absent rather than empty (Prometheus's
// model, and what ValidateLabels demands).
void Put(Labels& labels, const std::string& name, std::string value) {
  if (!value.empty()) labels[name] = std::move(value);
}

// The common tail of both conversions: labels as ValidateLabels wants them.
absl::StatusOr<std::optional<Alert>> Finish(Alert alert, const char* what) {
  if (absl::Status s = domain::ValidateLabels(alert.labels); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", alert.id, ": ", std::string(s.message())));
  }
  return std::optional<Alert>(std::move(alert));
}

const cpb::SlaDeadline* Deadline(const cpb::Complaint& c, cpb::SlaTarget target) {
  for (const cpb::SlaDeadline& d : c.sla().deadlines()) {
    if (d.target() == target) return &d;
  }
  return nullptr;
}

// "P1 safety complaint C-1" with the parts that are known.
std::string ComplaintPhrase(const Labels& labels) {
  std::string out;
  for (const char* name : {"priority", "category"}) {
    if (auto it = labels.find(name); it != labels.end()) absl::StrAppend(&out, it->second, " ");
  }
  absl::StrAppend(&out, "complaint");
  if (auto it = labels.find("complaint_id"); it != labels.end()) {
    absl::StrAppend(&out, " ", it->second);
  }
  return out;
}

std::string ComplaintSummary(ev::ComplaintEventType type, const Labels& labels) {
  std::string phrase = ComplaintPhrase(labels);
  if (type == ev::COMPLAINT_EVENT_TYPE_SUBMITTED || type == ev::COMPLAINT_EVENT_TYPE_RECLASSIFIED) {
    std::string where;
    for (const char* name : {"department", "station", "region"}) {
      if (auto it = labels.find(name); it != labels.end()) {
        absl::StrAppend(&where, where.empty() ? "" : ", ", name, " ", it->second);
      }
    }
    return absl::StrCat(phrase,
                        type == ev::COMPLAINT_EVENT_TYPE_SUBMITTED ? " submitted" : " reclassified",
                        where.empty() ? "" : " (", where, where.empty() ? "" : ")");
  }
  std::string target = "SLA";
  if (auto it = labels.find("sla_target"); it != labels.end()) {
    target = absl::StrCat(it->second, " SLA");
  }
  const char* state = type == ev::COMPLAINT_EVENT_TYPE_SLA_AT_RISK ? "at risk" : "breached";
  return absl::StrCat(phrase, ": ", target, " ", state);
}

// "" when the event raises no alert (event_alerts.h).
std::string ComplaintAlertName(const ev::ComplaintEvent& e) {
  switch (e.type()) {
    case ev::COMPLAINT_EVENT_TYPE_SUBMITTED: return "complaint_submitted";
    case ev::COMPLAINT_EVENT_TYPE_SLA_AT_RISK: return "complaint_sla_at_risk";
    case ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED: return "complaint_sla_breached";
    case ev::COMPLAINT_EVENT_TYPE_RECLASSIFIED:
      return e.complaint().category() == cpb::CATEGORY_SAFETY ? "complaint_reclassified" : "";
    default: return "";
  }
}

std::string KpiAlertName(ev::KpiEventType type) {
  switch (type) {
    case ev::KPI_EVENT_TYPE_BREACHED:
    case ev::KPI_EVENT_TYPE_RECOVERED: return "kpi_breached";
    case ev::KPI_EVENT_TYPE_TARGET_MISSED_REPEATEDLY: return "kpi_target_missed_repeatedly";
    case ev::KPI_EVENT_TYPE_SURGE:
    case ev::KPI_EVENT_TYPE_SURGE_ENDED: return "kpi_surge";
    default: return "";
  }
}

std::string KpiSummary(const ev::KpiEvent& e) {
  std::string subject = absl::StrCat("KPI ", e.kpi(), " (", e.dimension(), "=", e.unit(), ", ",
                                     e.window(), " ", e.period(), ")");
  std::string value = e.has_value() ? absl::StrCat(e.value()) : "unknown";
  switch (e.type()) {
    case ev::KPI_EVENT_TYPE_BREACHED:
      return absl::StrCat(subject, " breached its target: ", value, " against ", e.threshold());
    case ev::KPI_EVENT_TYPE_RECOVERED:
      return absl::StrCat(subject, " recovered: ", value, " against ", e.threshold());
    case ev::KPI_EVENT_TYPE_SURGE:
      return absl::StrCat(subject, " surged: ", value, " reached ", e.threshold(), " (",
                          e.has_baseline() ? absl::StrCat(e.factor(), " × the baseline ",
                                                          e.baseline(), " of ",
                                                          e.baseline_weeks(), " weeks")
                                           : "no baseline yet",
                          ")");
    case ev::KPI_EVENT_TYPE_SURGE_ENDED:
      return absl::StrCat(subject, " surge ended: the open window counts ", value,
                          ", under ", e.threshold());
    default:
      return absl::StrCat(subject, " missed its target ", e.consecutive_misses(),
                          " windows in a row (threshold ", e.threshold(), ")");
  }
}

}  // namespace

absl::StatusOr<std::optional<Alert>> ComplaintEventToAlert(std::string_view payload,
                                                           const std::string& ce_id) {
  ev::ComplaintEvent e;
  if (!e.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("sqms.complaints.v1: the payload is not a ComplaintEvent");
  }
  const std::string alertname = ComplaintAlertName(e);
  if (alertname.empty()) return std::optional<Alert>();
  if (!e.has_occurred_at()) {
    return absl::InvalidArgumentError(
        absl::StrCat("complaint event ", e.event_id(), ": occurred_at is not set"));
  }
  const cpb::Complaint& c = e.complaint();
  Alert alert;
  alert.id = ce_id.empty() ? e.event_id() : ce_id;
  alert.source = "complaints";
  alert.firing = true;
  alert.drill = false;  // a complaint is never a drill: the proto has no such flag
  alert.at = FromTimestamp(e.occurred_at());
  Labels& labels = alert.labels;
  labels["alertname"] = alertname;
  labels["source"] = "complaints";
  Put(labels, "category", EnumLabel(cpb::Category_Name(c.category()), "CATEGORY_"));
  Put(labels, "priority", PriorityLabel(c.priority()));
  Put(labels, "department", c.department());
  Put(labels, "station", c.location().station());
  Put(labels, "region", c.location().region());
  Put(labels, "channel", EnumLabel(cpb::Channel_Name(c.channel()), "CHANNEL_"));
  Put(labels, "complaint_id", c.id());
  if (e.type() == ev::COMPLAINT_EVENT_TYPE_SLA_AT_RISK ||
      e.type() == ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED) {
    Put(labels, "sla_target", EnumLabel(cpb::SlaTarget_Name(e.sla_target()), "SLA_TARGET_"));
    const cpb::SlaDeadline* d = Deadline(c, e.sla_target());
    if (d != nullptr && d->has_due()) {
      alert.annotations["due"] = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", FromTimestamp(d->due()),
                                                  absl::UTCTimeZone());
    }
  }
  Put(alert.annotations, "title", c.title());
  alert.annotations["summary"] = ComplaintSummary(e.type(), labels);
  return Finish(std::move(alert), "complaint event");
}

absl::StatusOr<std::optional<Alert>> KpiEventToAlert(std::string_view payload,
                                                     const std::string& ce_id) {
  ev::KpiEvent e;
  if (!e.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("sqms.kpi.v1: the payload is not a KpiEvent");
  }
  const std::string alertname = KpiAlertName(e.type());
  if (alertname.empty()) return std::optional<Alert>();
  if (!e.has_occurred_at()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kpi event ", e.event_id(), ": occurred_at is not set"));
  }
  Alert alert;
  alert.id = ce_id.empty() ? e.event_id() : ce_id;
  alert.source = "metrics";
  alert.firing =
      e.type() != ev::KPI_EVENT_TYPE_RECOVERED && e.type() != ev::KPI_EVENT_TYPE_SURGE_ENDED;
  alert.drill = false;
  alert.at = FromTimestamp(e.occurred_at());
  Labels& labels = alert.labels;
  labels["alertname"] = alertname;
  labels["source"] = "metrics";
  Put(labels, "kpi", e.kpi());
  Put(labels, "dimension", e.dimension());
  Put(labels, "unit", e.unit());
  Put(labels, "window", e.window());
  // Plans route by department / station / region whatever the source.
  for (const char* dimension : {"department", "station", "region"}) {
    if (e.dimension() == dimension) Put(labels, dimension, e.unit());
  }
  Labels& notes = alert.annotations;
  Put(notes, "period", e.period());
  if (e.has_value()) notes["value"] = absl::StrCat(e.value());
  notes["threshold"] = absl::StrCat(e.threshold());
  notes["sample"] = absl::StrCat(e.sample());
  Put(notes, "direction", e.direction());
  if (e.type() == ev::KPI_EVENT_TYPE_TARGET_MISSED_REPEATEDLY) {
    notes["consecutive_misses"] = absl::StrCat(e.consecutive_misses());
  }
  if (e.type() == ev::KPI_EVENT_TYPE_SURGE || e.type() == ev::KPI_EVENT_TYPE_SURGE_ENDED) {
    if (e.has_baseline()) notes["baseline"] = absl::StrCat(e.baseline());
    notes["baseline_weeks"] = absl::StrCat(e.baseline_weeks());
    notes["factor"] = absl::StrCat(e.factor());
  }
  notes["summary"] = KpiSummary(e);
  return Finish(std::move(alert), "kpi event");
}

}  // namespace sqms::alerts::codec
