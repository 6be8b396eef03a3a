#include "services/metrics/codec/event_codec.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/metrics/codec/event_time.h"
#include "services/metrics/domain/reopen.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/events/v1/contact_event.pb.h"

namespace sqms::metrics::codec {
namespace {

namespace ev = ::sqms::events::v1;
namespace cpb = ::sqms::complaints::v1;
using domain::Event;

// "CHANNEL_HOTLINE" → "hotline": the enum value's name without its prefix.
std::string EnumValueName(std::string name, std::string_view prefix) {
  if (name.starts_with(prefix)) name.erase(0, prefix.size());
  if (name == "UNSPECIFIED") return "";
  return absl::AsciiStrToLower(name);
}

domain::Dimensions ComplaintDimensions(const cpb::Complaint& c) {
  return {.department = c.department(),
          .channel = EnumValueName(cpb::Channel_Name(c.channel()), "CHANNEL_"),
          .category = EnumValueName(cpb::Category_Name(c.category()), "CATEGORY_"),
          .region = c.location().region(),
          .station = c.location().station(),
          .line = c.location().line(),
          .agent = c.assignee(),
          .plan = {},
          .level = {}};
}

// The dimensions `c` was counted under at its receipt (ComplaintSubmitted):
// its department and category then (types.proto ReceivedAs), the rest as
// now. A complaint stored before ReceivedAs existed: as now.
domain::Dimensions ReceivedDimensions(const cpb::Complaint& c) {
  domain::Dimensions d = ComplaintDimensions(c);
  if (!c.has_received_as() || c.received_as().department().empty()) return d;
  d.department = c.received_as().department();
  d.category = EnumValueName(cpb::Category_Name(c.received_as().category()), "CATEGORY_");
  // Submitted complaints have no assignee: the handling rate is not
  // broken down by agent (kpi_breakdown.h), and its cohort has none.
  d.agent.clear();
  return d;
}

const cpb::SlaDeadline* Deadline(const cpb::Complaint& c, cpb::SlaTarget target) {
  for (const cpb::SlaDeadline& d : c.sla().deadlines()) {
    if (d.target() == target) return &d;
  }
  return nullptr;
}

// Seconds from receipt to `at`, when `met` (met at `at`) was: working time
// as the SLA clock measured it on the complaint's business calendar. Without
// that figure (no such deadline, or an event of a producer older than the
// field): wall time minus the time the clock was paused.
int64_t HandlingSeconds(const cpb::Complaint& c, const cpb::SlaDeadline* met, absl::Time at) {
  if (met != nullptr && met->has_met_after_working_seconds()) {
    return std::max<int64_t>(0, met->met_after_working_seconds());
  }
  const int64_t wall = absl::ToInt64Seconds(at - ToTime(c.received_at()));
  return std::max<int64_t>(0, wall - c.sla().paused_seconds_total());
}

// The deadline of `target` was met by this very change.
bool MetNow(const cpb::SlaDeadline* d, absl::Time now) {
  return d != nullptr && d->has_met_at() && ToTime(d->met_at()) == now;
}

// What meeting `d` decided (it was met by this change; null: the complaint
// has no such deadline, so it was met in time). A reported breach decided
// it already, whatever its due time reads now.
domain::SlaMet Met(const cpb::SlaDeadline* d) {
  if (d != nullptr && d->breached()) return domain::SlaMet::kLateAfterBreach;
  if (d == nullptr || !d->has_due() || ToTime(d->met_at()) <= ToTime(d->due())) {
    return domain::SlaMet::kOnTime;
  }
  return domain::SlaMet::kLate;
}

// The ComplaintHandled of a resolution at `now` of `c` (event.h): its first
// resolution (no reopen before, as first_resolutions counts it) of a
// complaint that is not a linked duplicate, dated at the complaint's
// receipt. Nothing for other resolutions, or when the snapshot says it was
// received after this resolution (it is in no known window); INVALID_ARGUMENT
// when received_at is missing or outside the time KPIs cover.
absl::StatusOr<std::optional<absl::Time>> HandledAt(const ev::ComplaintEvent& e, absl::Time now) {
  const cpb::Complaint& c = e.complaint();
  if (c.reopen_count() != 0 || !c.duplicate_of().empty()) return std::nullopt;
  absl::StatusOr<absl::Time> received = RequiredTime(
      c.has_received_at(), c.received_at(), "complaint.received_at", "complaint event",
      e.event_id());
  if (!received.ok()) return received.status();
  if (*received > now) return std::nullopt;
  return *received;
}

// The snapshot's resolution time, when it has one.
std::optional<absl::Time> ResolvedAt(const cpb::Complaint& c) {
  if (!c.resolution().has_resolved_at()) return std::nullopt;
  return ToTime(c.resolution().resolved_at());
}

domain::SlaTargetKind TargetKind(cpb::SlaTarget target) {
  switch (target) {
    case cpb::SLA_TARGET_FIRST_RESPONSE: return domain::SlaTargetKind::kFirstResponse;
    case cpb::SLA_TARGET_RESOLUTION: return domain::SlaTargetKind::kResolution;
    default: return domain::SlaTargetKind::kOther;
  }
}

}  // namespace

// The dimensions `c`'s resolution was counted under (ComplaintResolved, at
// the time: its department, category and assignee then, types.proto
// Resolution), for what belongs to that resolution — its follow-up, its
// reopen and the first-contact resolution a reopen revokes — so that a
// complaint reclassified after its resolution does not put its reopen
// under a unit that never counted the resolution (a reopen rate above the
// unit's resolutions, another unit's reading 0). A resolution stored
// before it kept them: as now.
domain::Dimensions ResolvedDimensions(const cpb::Complaint& c) {
  domain::Dimensions d = ComplaintDimensions(c);
  const cpb::Resolution& r = c.resolution();
  if (r.department().empty()) return d;
  d.department = r.department();
  d.category = EnumValueName(cpb::Category_Name(r.category()), "CATEGORY_");
  d.agent = r.assignee();
  return d;
}

absl::StatusOr<std::vector<Event>> DecodeComplaintEvent(std::string_view payload) {
  // One message per thread, parsed into again and again: parsing clears it
  // but keeps its strings' buffers, about ten allocations a record fewer.
  thread_local ev::ComplaintEvent e;
  if (!e.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("sqms.complaints.v1: the payload is not a ComplaintEvent");
  }
  const absl::StatusOr<absl::Time> occurred_at =
      EventTime(e.has_occurred_at(), e.occurred_at(), "complaint event", e.event_id());
  if (!occurred_at.ok()) return occurred_at.status();
  const cpb::Complaint& c = e.complaint();
  const absl::Time now = *occurred_at;
  std::vector<Event> out;
  auto add = [&](domain::EventBody body) {
    out.push_back({.id = e.event_id(), .occurred_at = now, .dimensions = ComplaintDimensions(c),
                   .drill = false, .body = std::move(body)});
  };
  auto add_to_resolution = [&](domain::EventBody body) {
    out.push_back({.id = e.event_id(),
                   .occurred_at = now,
                   .dimensions = ResolvedDimensions(c),
                   .drill = false,
                   .body = std::move(body)});
  };
  const cpb::SlaDeadline* first = Deadline(c, cpb::SLA_TARGET_FIRST_RESPONSE);
  if (e.type() != ev::COMPLAINT_EVENT_TYPE_SUBMITTED && MetNow(first, now)) {
    add(domain::ComplaintFirstResponse{.seconds = HandlingSeconds(c, first, now),
                                       .sla = Met(first)});
  }
  switch (e.type()) {
    case ev::COMPLAINT_EVENT_TYPE_SUBMITTED:
      add(domain::ComplaintSubmitted{.duplicate = !c.duplicate_of().empty()});
      break;
    case ev::COMPLAINT_EVENT_TYPE_RESOLVED: {
      const cpb::SlaDeadline* resolution = Deadline(c, cpb::SLA_TARGET_RESOLUTION);
      // Met now — a reopen starts a new cycle with a fresh resolution
      // deadline (complaints' lifecycle.h) — or, from a producer that kept
      // the met one, before: then this resolution decides no deadline.
      const bool met = MetNow(resolution, now);
      const bool met_before = resolution != nullptr && resolution->has_met_at() && !met;
      add(domain::ComplaintResolved{
          .seconds = HandlingSeconds(c, met ? resolution : nullptr, now),
          .sla = met_before ? std::nullopt : std::optional(Met(resolution)),
          .reopens_before = c.reopen_count()});
      absl::StatusOr<std::optional<absl::Time>> handled_at = HandledAt(e, now);
      if (!handled_at.ok()) return handled_at.status();
      if (handled_at->has_value()) {
        out.push_back({.id = e.event_id(),
                       .occurred_at = **handled_at,
                       .dimensions = ReceivedDimensions(c),
                       .drill = false,
                       .body = domain::ComplaintHandled{}});
      }
      break;
    }
    case ev::COMPLAINT_EVENT_TYPE_REPLIED: add(domain::ComplaintReplied{}); break;
    case ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP:
      // A follow-up, like a reopen, leaves the resolution it follows in the
      // snapshot: both count at it (counted_at.h).
      add_to_resolution(domain::ComplaintFollowedUp{.satisfied = c.follow_up().satisfied(),
                                                    .resolved_at = ResolvedAt(c)});
      break;
    case ev::COMPLAINT_EVENT_TYPE_REOPENED:
      add_to_resolution(domain::ComplaintReopened{.reopen_count = c.reopen_count(),
                                                  .resolved_at = ResolvedAt(c)});
      if (auto revoked = domain::RevocationOf(out.back())) out.push_back(*std::move(revoked));
      break;
    case ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED:
      add(domain::ComplaintSlaBreached{.target = TargetKind(e.sla_target())});
      break;
    default: break;
  }
  return out;
}

namespace {

std::string PlatformName(ev::Platform p) {
  return EnumValueName(ev::Platform_Name(p), "PLATFORM_");
}

domain::SurveyAnswered Survey(const ev::SurveyAnswered& s) {
  domain::SurveyAnswered out;
  if (s.has_unsatisfied()) out.unsatisfied = s.unsatisfied();
  if (s.has_csat()) out.csat = s.csat();
  if (s.has_nps()) out.nps = s.nps();
  for (const auto& [dimension, score] : s.csi()) out.csi.emplace_back(dimension, score);
  // A map has no order; the domain's sums do not care, lineage reads sorted.
  std::sort(out.csi.begin(), out.csi.end());
  return out;
}

// The call's offer as the gateway stamped it on its outcome (absent from
// older producers' events: then it counts by its wait, counted_at.h).
template <typename Outcome>
std::optional<absl::Time> OfferedAt(const Outcome& o) {
  return o.has_call_offered_at() ? std::optional(ToTime(o.call_offered_at())) : std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<Event>> DecodeContactEvent(std::string_view payload) {
  // One message per thread, parsed into again and again: parsing clears it
  // but keeps its strings' buffers, about ten allocations a record fewer.
  thread_local ev::ContactEvent e;
  if (!e.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("sqms.contact.v1: the payload is not a ContactEvent");
  }
  const absl::StatusOr<absl::Time> occurred_at =
      EventTime(e.has_occurred_at(), e.occurred_at(), "contact event", e.event_id());
  if (!occurred_at.ok()) return occurred_at.status();
  Event out{.id = e.event_id(),
            .occurred_at = *occurred_at,
            .dimensions = {.department = e.department(),
                           .channel = e.channel(),
                           .category = e.category(),
                           .region = e.region(),
                           .station = e.station(),
                           .line = e.line(),
                           .agent = e.agent(),
                           .plan = {},
                           .level = {}},
            .drill = e.drill(),
            .body = domain::CallOffered{}};
  switch (e.kind_case()) {
    case ev::ContactEvent::kCallOffered: out.body = domain::CallOffered{}; break;
    case ev::ContactEvent::kCallAnswered:
      out.body = domain::CallAnswered{.wait_seconds = e.call_answered().wait_seconds(),
                                      .offered_at = OfferedAt(e.call_answered())};
      break;
    case ev::ContactEvent::kCallAbandoned:
      out.body = domain::CallAbandoned{.wait_seconds = e.call_abandoned().wait_seconds(),
                                       .offered_at = OfferedAt(e.call_abandoned())};
      break;
    case ev::ContactEvent::kCallEnded:
      out.body = domain::CallEnded{
          .handle_seconds = e.call_ended().handle_seconds(),
          .abandoned = e.call_ended().call_outcome() == ev::CALL_OUTCOME_ABANDONED};
      break;
    case ev::ContactEvent::kConsultationCreated: out.body = domain::ConsultationCreated{}; break;
    case ev::ContactEvent::kConsultationDispatched: {
      const ev::ConsultationDispatched& d = e.consultation_dispatched();
      // Absent from older producers' events: then it counts at its own time.
      out.body = domain::ConsultationDispatched{
          .created_at = d.has_consultation_created_at()
                            ? std::optional(ToTime(d.consultation_created_at()))
                            : std::nullopt};
      break;
    }
    case ev::ContactEvent::kSurveyAnswered: out.body = Survey(e.survey_answered()); break;
    case ev::ContactEvent::kOutageEnded:
      out.body = domain::OutageEnded{.platform = PlatformName(e.outage_ended().platform()),
                                     .outage_seconds = e.outage_ended().outage_seconds()};
      break;
    case ev::ContactEvent::kOutageStarted:
    case ev::ContactEvent::KIND_NOT_SET: return std::vector<Event>{};
  }
  return std::vector<Event>{std::move(out)};
}

}  // namespace sqms::metrics::codec
