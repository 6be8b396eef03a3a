#pragma once
// What the KPIs read of one input event, in the metrics service's own terms.
// codec/ maps the Kafka payloads (sqms.contact.v1, sqms.complaints.v1) and
// domain/incident.h the incident changes (sqms.incidents.v1) onto it;
// everything downstream — contributions, windows, KPIs — sees only this.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"

namespace sqms::metrics::domain {

// The units an event is counted under. Empty means "not known"; the
// aggregation files it under the value "unknown" of that dimension.
struct Dimensions {
  std::string department;  // department id (one vocabulary on both topics)
  std::string channel;     // hotline, web, app, counter, ...
  std::string category;    // complaint category or consultation topic
  std::string region;
  std::string station;
  std::string line;
  std::string agent;
  // Incident events only (incident.h): the emergency plan's id and its
  // response level "I" … "IV". Events that carry neither are not filed
  // under these dimensions at all (dimension.h), not under "unknown".
  std::string plan;
  std::string level;
  bool operator==(const Dimensions&) const = default;
};

// Call-center contact events (sqms.contact.v1).
struct CallOffered {};                           // a call asked for an agent
// A call's outcome; and when the call was offered (none when the event does
// not say): it counts there (counted_at.h).
struct CallAnswered {
  int64_t wait_seconds = 0;
  std::optional<absl::Time> offered_at = std::nullopt;
};
struct CallAbandoned {
  int64_t wait_seconds = 0;
  std::optional<absl::Time> offered_at = std::nullopt;
};
// A call's end; `abandoned` when the contact gateway had recorded the call
// as abandoned: then it is no handled call (counters.cc).
struct CallEnded {
  int64_t handle_seconds = 0;
  bool abandoned = false;
};
struct ConsultationCreated {};
// A consultation went out as a work order; and when the consultation was
// created (none when the event does not say): it counts there
// (counted_at.h).
struct ConsultationDispatched {
  std::optional<absl::Time> created_at = std::nullopt;
};
// Each answer present only when it was asked and answered.
struct SurveyAnswered {
  std::optional<bool> unsatisfied;               // the 95598 "unsatisfied" answer
  std::optional<int> csat;                       // 1..5
  std::optional<int> nps;                        // 0..10
  std::vector<std::pair<std::string, int>> csi;  // CSI dimension -> score 1..5
};
struct OutageEnded {
  std::string platform;                          // call_platform, backbone_network, ...
  int64_t outage_seconds = 0;
};

// Complaint lifecycle events (sqms.complaints.v1), reduced to what counts.
struct ComplaintSubmitted { bool duplicate = false; };
// What meeting an SLA deadline decides about it. Each deadline of a
// complaint is decided once: met in time, or missed — counted when its
// breach is reported (ComplaintSlaBreached), or when it is met late if no
// breach was reported before (the deadline fell due while the clock was
// held, or the breach timer had not fired yet).
enum class SlaMet {
  kOnTime,          // met by its due time (or it has none): decided, on time
  kLate,            // met late, no breach reported before: decided here, missed
  kLateAfterBreach  // met late; its breach already counted the miss
};
// The first response was given: working seconds from receipt (the open
// time of the complaint's business calendar, SLA pauses excluded), and
// what it decided about the first-response deadline.
struct ComplaintFirstResponse { int64_t seconds = 0; SlaMet sla = SlaMet::kOnTime; };
// Resolved: working seconds from receipt, as above (a resolution after a
// reopen counts from the original receipt), what it decided about the
// resolution deadline of its cycle (a reopen sets a new one; nothing when
// the deadline was met before), and how often the complaint was reopened before (0: its first
// resolution, the one first-contact resolution counts).
struct ComplaintResolved {
  int64_t seconds = 0;
  std::optional<SlaMet> sla = SlaMet::kOnTime;
  int32_t reopens_before = 0;
};
struct ComplaintReplied {};
// Followed up: and when the resolution it follows happened (none when the
// complaint does not say); it counts there (counted_at.h).
struct ComplaintFollowedUp {
  bool satisfied = false;
  std::optional<absl::Time> resolved_at = std::nullopt;
};
// Reopened: the reopens so far, this one included, and when the resolution
// it reopens happened (none when the complaint does not say). reopen.h
// derives the first-contact revocation from them; it counts at that
// resolution (counted_at.h).
struct ComplaintReopened {
  int32_t reopen_count = 0;
  std::optional<absl::Time> resolved_at = std::nullopt;
};
// A complaint's first resolution was reopened: dated at that resolution, so
// it counts in the resolution's windows (a correction when they are
// closed). Made by reopen.h from a ComplaintReopened, never decoded.
struct ComplaintResolutionRevoked {};
// A complaint that is not a linked duplicate was handled (its first
// resolution): dated at the complaint's receipt, not at the resolution, and
// under the department and category it was received as (not those it was
// moved to since), so it counts in the cells of the complaint's cohort —
// the handling rate is the share of a period's complaints handled so far,
// and a later resolution corrects the receipt's windows when they have
// closed. Made by the codec beside the first ComplaintResolved of an
// original complaint.
struct ComplaintHandled {};
// An SLA deadline passed unmet (reported once per deadline). The first
// response's and the resolution's count as missed in their on-time rates.
enum class SlaTargetKind { kFirstResponse, kResolution, kOther };
struct ComplaintSlaBreached { SlaTargetKind target = SlaTargetKind::kOther; };

// Incident milestones (sqms.incidents.v1), each counted once per incident
// (incident.h): seconds from opening to the first acknowledgement (MTTA)
// and to resolution (MTTR); an outage incident's downtime, one piece per
// minute window it spanned (system reliability).
struct IncidentAcknowledged { int64_t seconds = 0; };
struct IncidentResolved { int64_t seconds = 0; };
struct IncidentOutage {
  std::string platform;                          // the incident's platform or service label
  int64_t outage_seconds = 0;
};

using EventBody =
    std::variant<CallOffered, CallAnswered, CallAbandoned, CallEnded, ConsultationCreated,
                 ConsultationDispatched, SurveyAnswered, OutageEnded, ComplaintSubmitted,
                 ComplaintFirstResponse, ComplaintResolved, ComplaintReplied, ComplaintFollowedUp,
                 ComplaintReopened, ComplaintSlaBreached, IncidentAcknowledged,
                 IncidentResolved, IncidentOutage, ComplaintResolutionRevoked,
                 // New alternatives at the end: kpi_keys.cc appends each one's slot.
                 ComplaintHandled>;

struct Event {
  std::string id;           // the CloudEvents id; duplicates are dropped before this
  absl::Time occurred_at;   // event time; its windows are those of CountedAt (counted_at.h)
  Dimensions dimensions;
  bool drill = false;       // aggregated apart, never in official KPIs
  EventBody body;
};

// A short stable name of the body's type, e.g. "call_offered" (lineage).
std::string_view EventTypeName(const EventBody& body);

// The event types by index: body.index() of an event of that type.
inline constexpr size_t kEventTypeCount = std::variant_size_v<EventBody>;
std::string_view EventTypeNameAt(size_t index);

}  // namespace sqms::metrics::domain
