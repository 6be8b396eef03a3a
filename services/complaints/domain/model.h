#pragma once
// The complaint as the domain sees it (requirements.md §1). Pure data: no
// gRPC, protobuf, Redis or Kafka. Enum values equal the proto enum values of
// sqms.complaints.v1 so the codec maps them by value (with range checks).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace sqms::complaints::domain {

enum class Channel { kUnspecified, kHotline, kEmail, kWeb, kApp, kChat, kCounter, kSocial };
inline constexpr int kChannelMax = 7;

enum class Category {
  kUnspecified, kServiceQuality, kServiceAttitude, kFacilities, kTicketing, kTimeliness,
  kSafety, kHygiene, kCatering, kLuggage, kBilling, kNetworkFault, kOther
};
inline constexpr int kCategoryMax = 12;
// The name a category has in triage.yaml and the corpus ("billing");
// "unspecified" out of range.
std::string_view CategoryName(Category category);
// The category of such a name; kUnspecified if none.
Category CategoryFromName(std::string_view name);

enum class Priority { kUnspecified, kP1, kP2, kP3, kP4 };
inline constexpr int kPriorityMax = 4;

enum class Level { kUnspecified, kLow, kMedium, kHigh };
inline constexpr int kLevelMax = 3;

enum class Status {
  kUnspecified, kReceived, kAssigned, kInProgress, kWaitingCustomer, kResolved, kReplied,
  kFollowedUp, kClosed
};
inline constexpr int kStatusMax = 8;

enum class SlaTarget { kUnspecified, kFirstResponse, kResolution, kFollowUp };

// Mirrors sqms.events.v1.ComplaintEventType.
enum class EventType {
  kUnspecified, kSubmitted, kAssigned, kHandlingStarted, kWaitingCustomer, kResumed,
  kResolved, kReplied, kFollowedUp, kClosed, kReopened, kEscalated, kNoteAdded, kSlaAtRisk,
  kSlaBreached, kDuplicateLinked, kReclassified, kIncidentLinked, kIncidentResolved
};

struct Complainant {
  std::string name;
  std::string phone;
  std::string email;
  std::string id_number;
  std::string member_number;
  std::string ticket_number;
};

struct Location {
  std::string region;
  std::string station;
  std::string line;
  std::string service_number;
};

struct SlaDeadline {
  SlaTarget target = SlaTarget::kUnspecified;
  absl::Time at_risk_at = absl::InfinitePast();
  absl::Time due = absl::InfinitePast();
  std::optional<absl::Time> met_at;
  // Set with met_at: the working time from the complaint's receipt to
  // met_at (sla_clock.h, WorkingTimeSince). What the metrics service's
  // response and resolution times are.
  std::optional<absl::Duration> met_after_working;
  bool at_risk = false;   // at-risk event emitted
  bool breached = false;  // breach event emitted
};

// The handling cycle a reopen started (lifecycle.h): when, and the pause
// totals at that moment, so that a deadline of the cycle recomputed later
// (reclassify.h) counts from the reopen and only the pauses after it.
struct SlaCycle {
  absl::Time started_at = absl::InfinitePast();
  absl::Duration paused_total_before = absl::ZeroDuration();  // SlaClock::paused_total then
  std::optional<absl::Duration> paused_working_before =
      absl::ZeroDuration();  // paused_working then
};

struct SlaClock {
  std::vector<SlaDeadline> deadlines;
  bool paused = false;
  absl::Time paused_since = absl::InfinitePast();
  // While waiting on the customer: when the wait ends by itself (paused_since
  // + max_customer_wait); InfiniteFuture otherwise, and for a wait stored
  // before waits ended (it lasts until resumed by hand).
  absl::Time wait_until = absl::InfiniteFuture();
  absl::Duration paused_total = absl::ZeroDuration();  // wall time spent paused
  // Open time of the business-hours calendar (the one of every priority
  // not on a 24x7 clock) spent in finished pauses; on a 24x7 clock that is
  // paused_total. nullopt for a complaint that had paused before this was
  // measured (stored by an older version): its working times are unknown.
  std::optional<absl::Duration> paused_working = absl::ZeroDuration();
  // The current handling cycle of a reopened complaint; nullopt for the
  // first one (it starts at received_at) and for a complaint reopened
  // before cycles were stored (stored by an older version).
  std::optional<SlaCycle> cycle;

  SlaDeadline* Find(SlaTarget target);
  const SlaDeadline* Find(SlaTarget target) const;
  bool AnyBreached() const;
  // A deadline at risk now: its at-risk moment has fired (at_risk, set by
  // the SLA timer; the clock alone does not count) and it is neither
  // breached nor met. What ListComplaints' sla_at_risk_only selects.
  bool AnyAtRisk() const;
};

struct Resolution {
  std::string findings;
  std::string root_cause;
  std::string corrective_action;
  std::optional<absl::Time> resolved_at;
  // The complaint's department, category and assignee when it was resolved
  // (types.proto Resolution: the metrics service's unit for its follow-up
  // and reopen); empty in complaints resolved before they were kept.
  std::string department;
  Category category = Category::kUnspecified;
  std::string assignee;
};

struct FollowUp {
  bool satisfied = false;
  int score = 0;  // 1..5
  std::string comment;
  std::optional<absl::Time> at;
};

struct AuditEntry {
  absl::Time at;
  std::string actor;
  std::string action;
  Status from = Status::kUnspecified;
  Status to = Status::kUnspecified;
  std::string note;
  int64_t version = 0;
};

// A department complaints are dispatched to (config: triage.yaml
// `departments`): the one list every department a request names — an
// assignment, a contact event — and every routing rule must come from.
struct Department {
  std::string id;    // a department id (validation.h, IsDepartmentId): "ticketing-center"
  std::string name;  // for people: "票务中心"
  // Call-center queues whose calls are this department's: a call_offered
  // naming one of them and no department is filed under this one (a
  // switch knows the queue, not the department). Each queue in one
  // department at most.
  std::vector<std::string> queues;
};

// Triage's routing rule (config: routing.rules).
struct RoutingRule {
  Category category = Category::kUnspecified;  // kUnspecified = any
  std::string region;                          // empty = any
  std::string station;                         // empty = any
  std::string department;
};

// An active incident of the alerts service this complaint is a known
// instance of (known_issue.h). While the incident is active and the
// complaint is neither P1 nor safety (known_issue.h, SlaHeld), the
// complaint's SLA timers do not fire: its deadlines run on, and what passed
// meanwhile is reported when the hold ends.
struct KnownIssue {
  std::string incident_id;
  std::string title;
  std::string plan_id;
  std::string level;                       // "I" … "IV"
  absl::Time linked_at;
  std::optional<absl::Time> released_at;   // when the incident was resolved
  // The incident is not resolved yet. Whether that holds the complaint's
  // SLA escalations depends on the complaint too: SlaHeld.
  bool active() const { return !released_at.has_value(); }
};

// Why triage decided what it did (triage.h), stored with the complaint.
struct TermEvidence {
  std::string term;          // the configured term, normalised
  double weight = 0;
  std::string negated_by;    // the negation cue; empty when the term counted
};
struct CategoryScore {
  Category category = Category::kUnspecified;
  double score = 0;          // sum of the counted weights
  std::vector<TermEvidence> evidence;
};
enum class SignalRaises { kUrgency, kImportance };
struct SignalEvidence {
  std::string signal;        // e.g. "vulnerable_person"
  std::string term;
  SignalRaises raises = SignalRaises::kUrgency;
};
struct TriageExplanation {
  std::string config_version;
  // "submitted" | "decisive" | "model_safety" | "model_safety_sentence" |
  // "best_score" | "combined" | "model" | "default" (triage.h)
  std::string category_rule;
  Category suggested_category = Category::kUnspecified;  // the rules' choice, override or not
  std::vector<CategoryScore> scores;      // categories with evidence, best first
  std::vector<SignalEvidence> signals;
  std::string urgency_source;             // "submitted" | "signal:<name>" | "default"
  std::string importance_source;          // "submitted" | "signal:<name>" | "category" | "default"
  std::string priority_rule;              // "safety_always_p1" | "matrix" | "agent" (reclassify.h)
  std::optional<RoutingRule> routing_rule;  // the rule that chose; nullopt: the default
  // The trained model's most probable categories (empty without a model).
  std::vector<std::pair<Category, double>> model;
};

// What a complaint was received as (types.proto ReceivedAs): set by
// CreateComplaint, never changed.
struct ReceivedAs {
  std::string department;
  Category category = Category::kUnspecified;
  bool operator==(const ReceivedAs&) const = default;
};

struct Complaint {
  std::string id;
  int64_t version = 0;  // 1 after submission, +1 per change
  Status status = Status::kUnspecified;
  Channel channel = Channel::kUnspecified;
  Category category = Category::kUnspecified;
  bool category_overridden = false;
  Level urgency = Level::kUnspecified;
  Level importance = Level::kUnspecified;
  Priority priority = Priority::kUnspecified;
  std::string department;
  TriageExplanation triage;  // why category, priority and department are what they are
  std::string assignee;
  std::string title;
  std::string content;
  Complainant complainant;
  Location location;
  absl::Time occurred_at;
  absl::Time received_at;
  absl::Time updated_at;
  SlaClock sla;
  std::string duplicate_of;
  std::optional<KnownIssue> known_issue;  // linked at submission, or never
  // Empty (department "") in complaints stored before the field existed.
  ReceivedAs received_as;
  Resolution resolution;
  std::string reply;
  std::optional<absl::Time> replied_at;
  FollowUp follow_up;
  int escalation_level = 0;
  int reopen_count = 0;
  std::string idempotency_key;
  std::optional<absl::Time> closed_at;
  // The audit trail. Apply()/FireDueTimers()/CreateComplaint() append one
  // entry per event; the store appends entries newer than the stored version
  // and returns the whole trail from GetComplaint only.
  std::vector<AuditEntry> audit;
};

// The complaint's next due time: the earliest deadline not yet met (a
// breached one included: it is overdue), none when closed or when every
// deadline is met. The order of ListComplaints' `order_by: "next_due"`.
std::optional<absl::Time> NextDue(const Complaint& complaint);

// What happened, produced by the domain; the app gives it an id and a
// snapshot and publishes it.
struct Event {
  EventType type = EventType::kUnspecified;
  absl::Time at;
  std::string actor;
  Status from = Status::kUnspecified;
  Status to = Status::kUnspecified;
  SlaTarget sla_target = SlaTarget::kUnspecified;
  std::string note;
};

// A submission before triage: what the client sent.
struct Submission {
  std::string idempotency_key;
  Channel channel = Channel::kUnspecified;
  std::string title;
  std::string content;
  Complainant complainant;
  Location location;
  std::optional<absl::Time> occurred_at;
  Category category = Category::kUnspecified;  // override when set
  Level urgency = Level::kUnspecified;         // override when set
  Level importance = Level::kUnspecified;      // override when set
};

}  // namespace sqms::complaints::domain
