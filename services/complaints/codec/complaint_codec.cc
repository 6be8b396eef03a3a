#include "services/complaints/codec/complaint_codec.h"

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "services/complaints/codec/enum_labels.h"
#include "services/complaints/codec/triage_codec.h"
#include "services/complaints/domain/known_issue.h"
#include "services/complaints/domain/masking.h"

namespace sqms::complaints::codec {
namespace {

namespace ev = ::sqms::events::v1;
using google::protobuf::Timestamp;

// Enum values are equal on both sides (model.h); out-of-range wire values are
// kept so validation can reject them.
template <typename To, typename From>
To Cast(From value) {
  return static_cast<To>(static_cast<int>(value));
}

// Infinite times ("never") are the unset Timestamp: the caller must not
// even call mutable_<field>() for them, which would mark the field set.
bool Known(absl::Time t) { return t != absl::InfinitePast() && t != absl::InfiniteFuture(); }
bool Known(const std::optional<absl::Time>& t) { return t.has_value() && Known(*t); }
// codec::ToProto(absl::Time, ...) under a name the overloads below don't hide.
void WriteTime(absl::Time t, Timestamp* out) { codec::ToProto(t, out); }

absl::Time TimeOrPast(bool has, const Timestamp& t) {
  return has ? FromProto(t) : absl::InfinitePast();
}

std::optional<absl::Time> OptionalTime(bool has, const Timestamp& t) {
  if (!has) return std::nullopt;
  return FromProto(t);
}

void ToProto(const domain::Complainant& c, pb::Complainant* out) {
  out->set_name(c.name);
  out->set_phone(c.phone);
  out->set_email(c.email);
  out->set_id_number(c.id_number);
  out->set_member_number(c.member_number);
  out->set_ticket_number(c.ticket_number);
}

domain::Complainant FromProto(const pb::Complainant& c) {
  return {c.name(), c.phone(), c.email(), c.id_number(), c.member_number(), c.ticket_number()};
}

void ToProto(const domain::Location& l, pb::Location* out) {
  out->set_region(l.region);
  out->set_station(l.station);
  out->set_line(l.line);
  out->set_service_number(l.service_number);
}

domain::Location FromProto(const pb::Location& l) {
  return {l.region(), l.station(), l.line(), l.service_number()};
}

void ToProto(const domain::SlaClock& sla, pb::SlaClock* out) {
  for (const domain::SlaDeadline& d : sla.deadlines) {
    pb::SlaDeadline* p = out->add_deadlines();
    p->set_target(Cast<pb::SlaTarget>(d.target));
    if (Known(d.at_risk_at)) WriteTime(d.at_risk_at, p->mutable_at_risk_at());
    if (Known(d.due)) WriteTime(d.due, p->mutable_due());
    if (Known(d.met_at)) WriteTime(*d.met_at, p->mutable_met_at());
    if (d.met_after_working) {
      p->set_met_after_working_seconds(absl::ToInt64Seconds(*d.met_after_working));
    }
    p->set_at_risk(d.at_risk);
    p->set_breached(d.breached);
  }
  out->set_paused(sla.paused);
  if (Known(sla.paused_since)) WriteTime(sla.paused_since, out->mutable_paused_since());
  if (Known(sla.wait_until)) WriteTime(sla.wait_until, out->mutable_wait_until());
  out->set_paused_seconds_total(absl::ToInt64Seconds(sla.paused_total));
  if (sla.paused_working) {
    out->set_paused_working_seconds_total(absl::ToInt64Seconds(*sla.paused_working));
  }
  if (sla.cycle) {
    if (Known(sla.cycle->started_at)) {
      WriteTime(sla.cycle->started_at, out->mutable_cycle_started_at());
    }
    out->set_cycle_paused_seconds_before(absl::ToInt64Seconds(sla.cycle->paused_total_before));
    if (sla.cycle->paused_working_before) {
      out->set_cycle_paused_working_seconds_before(
          absl::ToInt64Seconds(*sla.cycle->paused_working_before));
    }
  }
}

domain::SlaClock FromProto(const pb::SlaClock& p) {
  domain::SlaClock sla;
  for (const pb::SlaDeadline& d : p.deadlines()) {
    domain::SlaDeadline& out = sla.deadlines.emplace_back();
    out.target = Cast<domain::SlaTarget>(d.target());
    out.at_risk_at = TimeOrPast(d.has_at_risk_at(), d.at_risk_at());
    out.due = TimeOrPast(d.has_due(), d.due());
    out.met_at = OptionalTime(d.has_met_at(), d.met_at());
    if (d.has_met_after_working_seconds()) {
      out.met_after_working = absl::Seconds(d.met_after_working_seconds());
    }
    out.at_risk = d.at_risk();
    out.breached = d.breached();
  }
  sla.paused = p.paused();
  sla.paused_since = TimeOrPast(p.has_paused_since(), p.paused_since());
  if (p.has_wait_until()) sla.wait_until = TimeOrPast(true, p.wait_until());
  sla.paused_total = absl::Seconds(p.paused_seconds_total());
  // Stored before it was measured: known (zero) only if it never paused.
  if (p.has_paused_working_seconds_total()) {
    sla.paused_working = absl::Seconds(p.paused_working_seconds_total());
  } else if (p.paused_seconds_total() > 0) {
    sla.paused_working = std::nullopt;
  }
  if (p.has_cycle_started_at()) {  // unset: the first cycle, or reopened before it was stored
    sla.cycle = domain::SlaCycle{
        .started_at = TimeOrPast(true, p.cycle_started_at()),
        .paused_total_before = absl::Seconds(p.cycle_paused_seconds_before()),
        .paused_working_before = p.has_cycle_paused_working_seconds_before()
                                     ? std::optional<absl::Duration>(
                                           absl::Seconds(p.cycle_paused_working_seconds_before()))
                                     : std::nullopt};
  }
  return sla;
}

void ToProtoNoAudit(const domain::Complaint& c, pb::Complaint* out);

void ToProto(const domain::AuditEntry& e, pb::AuditEntry* out) {
  if (Known(e.at)) WriteTime(e.at, out->mutable_at());
  out->set_actor(e.actor);
  out->set_action(e.action);
  out->set_from_status(Cast<pb::Status>(e.from));
  out->set_to_status(Cast<pb::Status>(e.to));
  out->set_note(e.note);
  out->set_version(e.version);
}

domain::AuditEntry FromProto(const pb::AuditEntry& p) {
  domain::AuditEntry e;
  e.at = TimeOrPast(p.has_at(), p.at());
  e.actor = p.actor();
  e.action = p.action();
  e.from = Cast<domain::Status>(p.from_status());
  e.to = Cast<domain::Status>(p.to_status());
  e.note = p.note();
  e.version = p.version();
  return e;
}

void ToProtoOutcome(const domain::Complaint& c, pb::Complaint* out) {
  pb::Resolution* r = out->mutable_resolution();
  r->set_findings(c.resolution.findings);
  r->set_root_cause(c.resolution.root_cause);
  r->set_corrective_action(c.resolution.corrective_action);
  r->set_department(c.resolution.department);
  r->set_category(Cast<pb::Category>(c.resolution.category));
  r->set_assignee(c.resolution.assignee);
  if (Known(c.resolution.resolved_at)) {
    WriteTime(*c.resolution.resolved_at, r->mutable_resolved_at());
  }
  out->set_reply(c.reply);
  if (Known(c.replied_at)) WriteTime(*c.replied_at, out->mutable_replied_at());
  pb::FollowUp* f = out->mutable_follow_up();
  f->set_satisfied(c.follow_up.satisfied);
  f->set_score(c.follow_up.score);
  f->set_comment(c.follow_up.comment);
  if (Known(c.follow_up.at)) WriteTime(*c.follow_up.at, f->mutable_at());
  if (Known(c.closed_at)) WriteTime(*c.closed_at, out->mutable_closed_at());
}

void ToProto(const domain::KnownIssue& k, pb::KnownIssue* out) {
  out->set_incident_id(k.incident_id);
  out->set_title(k.title);
  out->set_plan_id(k.plan_id);
  out->set_level(k.level);
  if (Known(k.linked_at)) WriteTime(k.linked_at, out->mutable_linked_at());
  if (Known(k.released_at)) WriteTime(*k.released_at, out->mutable_released_at());
}

domain::KnownIssue FromProto(const pb::KnownIssue& p) {
  return {.incident_id = p.incident_id(),
          .title = p.title(),
          .plan_id = p.plan_id(),
          .level = p.level(),
          .linked_at = TimeOrPast(p.has_linked_at(), p.linked_at()),
          .released_at = OptionalTime(p.has_released_at(), p.released_at())};
}

void ToProtoNoAudit(const domain::Complaint& c, pb::Complaint* out) {
  ToBasicProto(c, out);
  codec::ToProto(c.triage, out->mutable_triage());
  out->set_title(c.title);
  out->set_content(c.content);
  ToProto(c.complainant, out->mutable_complainant());
  ToProto(c.location, out->mutable_location());
  if (Known(c.occurred_at)) WriteTime(c.occurred_at, out->mutable_occurred_at());
  ToProtoOutcome(c, out);
}

void FromProtoOutcome(const pb::Complaint& p, domain::Complaint& c) {
  const pb::Resolution& r = p.resolution();
  c.resolution = {.findings = r.findings(),
                  .root_cause = r.root_cause(),
                  .corrective_action = r.corrective_action(),
                  .resolved_at = OptionalTime(r.has_resolved_at(), r.resolved_at()),
                  .department = r.department(),
                  .category = Cast<domain::Category>(r.category()),
                  .assignee = r.assignee()};
  c.reply = p.reply();
  c.replied_at = OptionalTime(p.has_replied_at(), p.replied_at());
  const pb::FollowUp& f = p.follow_up();
  c.follow_up = {f.satisfied(), f.score(), f.comment(), OptionalTime(f.has_at(), f.at())};
  c.closed_at = OptionalTime(p.has_closed_at(), p.closed_at());
}

domain::Complaint FromProtoComplaint(const pb::Complaint& p) {
  domain::Complaint c;
  c.id = p.id();
  c.version = p.version();
  c.status = Cast<domain::Status>(p.status());
  c.channel = Cast<domain::Channel>(p.channel());
  c.category = Cast<domain::Category>(p.category());
  c.category_overridden = p.category_overridden();
  c.urgency = Cast<domain::Level>(p.urgency());
  c.importance = Cast<domain::Level>(p.importance());
  c.priority = Cast<domain::Priority>(p.priority());
  c.department = p.department();
  c.triage = codec::FromProto(p.triage());
  c.assignee = p.assignee();
  c.title = p.title();
  c.content = p.content();
  c.complainant = FromProto(p.complainant());
  c.location = FromProto(p.location());
  c.occurred_at = TimeOrPast(p.has_occurred_at(), p.occurred_at());
  c.received_at = TimeOrPast(p.has_received_at(), p.received_at());
  c.updated_at = TimeOrPast(p.has_updated_at(), p.updated_at());
  c.sla = FromProto(p.sla());
  c.duplicate_of = p.duplicate_of();
  if (p.has_known_issue()) c.known_issue = FromProto(p.known_issue());
  c.received_as = {.department = p.received_as().department(),
                   .category = Cast<domain::Category>(p.received_as().category())};
  FromProtoOutcome(p, c);
  c.escalation_level = p.escalation_level();
  c.reopen_count = p.reopen_count();
  c.idempotency_key = p.idempotency_key();
  return c;
}

// Free text an event may carry: masked, never raw (requirements: no
// personal data on Kafka).
void MaskFreeText(pb::Complaint* c) {
  c->clear_complainant();
  c->clear_audit();
  c->set_title(domain::MaskText(c->title()));
  c->set_content(domain::MaskText(c->content()));
  c->set_reply(domain::MaskText(c->reply()));
  c->set_idempotency_key(domain::MaskText(c->idempotency_key()));
  pb::Resolution* r = c->mutable_resolution();
  r->set_findings(domain::MaskText(r->findings()));
  r->set_root_cause(domain::MaskText(r->root_cause()));
  r->set_corrective_action(domain::MaskText(r->corrective_action()));
  c->mutable_follow_up()->set_comment(domain::MaskText(c->follow_up().comment()));
}

}  // namespace

domain::Location LocationFromProto(const pb::Location& location) { return FromProto(location); }

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

void ToProto(absl::Time t, google::protobuf::Timestamp* out) {
  // ToUnixSeconds rounds down, so nanos is always in [0, 1e9).
  const int64_t seconds = absl::ToUnixSeconds(t);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
}

void ToProto(const domain::Complaint& complaint, pb::Complaint* out) {
  ToProtoNoAudit(complaint, out);
  for (const domain::AuditEntry& e : complaint.audit) ToProto(e, out->add_audit());
}

void ToBasicProto(const domain::Complaint& c, pb::Complaint* out) {
  out->set_id(c.id);
  out->set_version(c.version);
  out->set_status(Cast<pb::Status>(c.status));
  out->set_channel(Cast<pb::Channel>(c.channel));
  out->set_category(Cast<pb::Category>(c.category));
  out->set_category_overridden(c.category_overridden);
  out->set_urgency(Cast<pb::Level>(c.urgency));
  out->set_importance(Cast<pb::Level>(c.importance));
  out->set_priority(Cast<pb::Priority>(c.priority));
  out->set_department(c.department);
  out->set_assignee(c.assignee);
  if (Known(c.received_at)) WriteTime(c.received_at, out->mutable_received_at());
  if (Known(c.updated_at)) WriteTime(c.updated_at, out->mutable_updated_at());
  ToProto(c.sla, out->mutable_sla());
  out->set_duplicate_of(c.duplicate_of);
  if (c.known_issue) {
    ToProto(*c.known_issue, out->mutable_known_issue());
    out->mutable_known_issue()->set_held(domain::SlaHeld(c));  // derived, for API readers
  }
  if (!c.received_as.department.empty()) {
    out->mutable_received_as()->set_department(c.received_as.department);
    out->mutable_received_as()->set_category(Cast<pb::Category>(c.received_as.category));
  }
  out->set_escalation_level(c.escalation_level);
  out->set_reopen_count(c.reopen_count);
  out->set_idempotency_key(c.idempotency_key);
}

domain::Submission FromProto(const pb::SubmitComplaintRequest& r) {
  domain::Submission s;
  s.idempotency_key = r.idempotency_key();
  s.channel = Cast<domain::Channel>(r.channel());
  s.title = r.title();
  s.content = r.content();
  s.complainant = FromProto(r.complainant());
  s.location = FromProto(r.location());
  s.occurred_at = OptionalTime(r.has_occurred_at(), r.occurred_at());
  s.category = Cast<domain::Category>(r.category());
  s.urgency = Cast<domain::Level>(r.urgency());
  s.importance = Cast<domain::Level>(r.importance());
  return s;
}

// page_size 0 becomes the default 50; any other value is passed on as sent
// for the caller to range-check (rpc/ rejects < 0 and > 500).
ports::ListQuery FromProto(const pb::ListComplaintsRequest& r) {
  ports::ListQuery q;
  const pb::ComplaintFilter& f = r.filter();
  for (int s : f.statuses()) q.statuses.push_back(Cast<domain::Status>(s));
  for (int c : f.categories()) q.categories.push_back(Cast<domain::Category>(c));
  for (int p : f.priorities()) q.priorities.push_back(Cast<domain::Priority>(p));
  q.department = f.department();
  q.channel = Cast<domain::Channel>(f.channel());
  q.region = f.region();
  q.station = f.station();
  q.created_after = OptionalTime(f.has_created_after(), f.created_after());
  q.created_before = OptionalTime(f.has_created_before(), f.created_before());
  q.sla_breached_only = f.sla_breached_only();
  q.assignee = f.assignee();
  q.sla_at_risk_only = f.sla_at_risk_only();
  q.escalated_only = f.escalated_only();
  q.complainant_phone = f.complainant_phone();
  q.incident_id = f.incident_id();
  q.order = r.order_by() == "next_due" ? ports::ListOrder::kNextDue : ports::ListOrder::kReceived;
  q.page_size = r.page_size() == 0 ? 50 : r.page_size();
  q.page_token = r.page_token();
  return q;
}

pb::Complaint StoredProto(const domain::Complaint& complaint) {
  pb::Complaint p;
  ToProtoNoAudit(complaint, &p);
  return p;
}

std::string EncodeStored(const domain::Complaint& complaint) {
  return StoredProto(complaint).SerializeAsString();
}

absl::StatusOr<domain::Complaint> DecodeStored(const std::string& bytes) {
  pb::Complaint p;
  if (!p.ParseFromString(bytes)) return absl::DataLossError("stored complaint is corrupt");
  return FromProtoComplaint(p);
}

std::string EncodeAudit(const domain::AuditEntry& entry) {
  pb::AuditEntry p;
  ToProto(entry, &p);
  return p.SerializeAsString();
}

absl::StatusOr<domain::AuditEntry> DecodeAudit(const std::string& bytes) {
  pb::AuditEntry p;
  if (!p.ParseFromString(bytes)) return absl::DataLossError("stored audit entry is corrupt");
  return FromProto(p);
}

std::string EncodeEvent(pb::Complaint stored, const ports::PendingEvent& event,
                        const std::string& complainant_key) {
  const domain::Event& e = event.event;
  ev::ComplaintEvent out;
  out.set_event_id(event.event_id);
  out.set_type(Cast<ev::ComplaintEventType>(e.type));
  if (Known(e.at)) WriteTime(e.at, out.mutable_occurred_at());
  out.set_actor(e.actor);
  out.set_from_status(Cast<pb::Status>(e.from));
  out.set_to_status(Cast<pb::Status>(e.to));
  out.set_sla_target(Cast<pb::SlaTarget>(e.sla_target));
  *out.mutable_complaint() = std::move(stored);
  MaskFreeText(out.mutable_complaint());
  out.set_complainant_key(complainant_key);
  out.set_note(domain::MaskText(e.note));
  return out.SerializeAsString();
}

std::string EncodeEvent(const domain::Complaint& after, const ports::PendingEvent& event,
                        const std::string& complainant_key) {
  return EncodeEvent(StoredProto(after), event, complainant_key);
}

std::string CloudEventType(domain::EventType type) {
  return "sqms.complaints.v1." + Label(type);
}

}  // namespace sqms::complaints::codec
