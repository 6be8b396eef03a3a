#include "services/complaints/codec/contact_codec.h"

#include "services/complaints/codec/complaint_codec.h"
#include "services/complaints/domain/masking.h"

namespace sqms::complaints::codec {
namespace {

namespace ev = ::sqms::events::v1;
using domain::ContactKind;

void SurveyFromProto(const ev::SurveyAnswered& s, domain::ContactEvent& e) {
  if (s.has_unsatisfied()) e.unsatisfied = s.unsatisfied();
  if (s.has_csat()) e.csat = s.csat();
  if (s.has_nps()) e.nps = s.nps();
  e.csi.insert(s.csi().begin(), s.csi().end());
  e.comment = s.comment();
}

void SurveyToProto(const domain::ContactEvent& e, ev::SurveyAnswered* s) {
  // Presence is the meaning: an answer not asked stays unset.
  if (e.unsatisfied) s->set_unsatisfied(*e.unsatisfied);
  if (e.csat) s->set_csat(*e.csat);
  if (e.nps) s->set_nps(*e.nps);
  s->mutable_csi()->insert(e.csi.begin(), e.csi.end());
  s->set_comment(domain::MaskText(e.comment));
}

void PayloadFromProto(const ev::ContactEvent& p, domain::ContactEvent& e) {
  switch (p.kind_case()) {
    case ev::ContactEvent::kCallOffered:
      e.queue = p.call_offered().queue();
      break;
    case ev::ContactEvent::kCallAnswered:
      if (p.call_answered().has_wait_seconds()) e.wait_seconds = p.call_answered().wait_seconds();
      break;
    case ev::ContactEvent::kCallAbandoned:
      if (p.call_abandoned().has_wait_seconds()) {
        e.wait_seconds = p.call_abandoned().wait_seconds();
      }
      break;
    case ev::ContactEvent::kCallEnded:
      if (p.call_ended().has_handle_seconds()) e.handle_seconds = p.call_ended().handle_seconds();
      e.resolved_first_contact = p.call_ended().resolved_first_contact();
      e.dispatched_work_order = p.call_ended().dispatched_work_order();
      break;
    case ev::ContactEvent::kConsultationCreated:
      e.topic = p.consultation_created().topic();
      break;
    case ev::ContactEvent::kConsultationDispatched:
      // consultation_created_at and dispatched_by (and an outcome's
      // call_offered_at) are the gateway's to set
      // (CompleteContactEvent), not the sender's: what a client sends there
      // is ignored.
      e.work_order_id = p.consultation_dispatched().work_order_id();
      break;
    case ev::ContactEvent::kSurveyAnswered:
      SurveyFromProto(p.survey_answered(), e);
      break;
    case ev::ContactEvent::kOutageStarted:
      e.platform = static_cast<domain::Platform>(static_cast<int>(p.outage_started().platform()));
      e.description = p.outage_started().description();
      break;
    case ev::ContactEvent::kOutageEnded:
      e.platform = static_cast<domain::Platform>(static_cast<int>(p.outage_ended().platform()));
      // 0 on the wire is "not sent" (proto3 int64 without presence).
      if (p.outage_ended().outage_seconds() != 0) e.outage_seconds = p.outage_ended().outage_seconds();
      break;
    case ev::ContactEvent::KIND_NOT_SET:
      break;
  }
}

// The proto oneof field numbers are 10..18 in ContactKind order.
static_assert(ev::ContactEvent::kCallOffered == 10 && ev::ContactEvent::kOutageEnded == 18);
static_assert(static_cast<int>(ContactKind::kOutageEnded) == 9);
ContactKind KindOf(const ev::ContactEvent& p) {
  if (p.kind_case() == ev::ContactEvent::KIND_NOT_SET) return ContactKind::kUnspecified;
  return static_cast<ContactKind>(static_cast<int>(p.kind_case()) - 9);
}

ev::Platform ToPlatform(domain::Platform platform) {
  return static_cast<ev::Platform>(static_cast<int>(platform));
}

void PayloadToProto(const domain::ContactEvent& e, ev::ContactEvent* p) {
  switch (e.kind) {
    case ContactKind::kCallOffered:
      p->mutable_call_offered()->set_queue(e.queue);
      break;
    case ContactKind::kCallAnswered: {
      ev::CallAnswered* c = p->mutable_call_answered();  // selects the kind, even when empty
      if (e.wait_seconds) c->set_wait_seconds(*e.wait_seconds);
      if (e.call_offered_at) ToProto(*e.call_offered_at, c->mutable_call_offered_at());
      break;
    }
    case ContactKind::kCallAbandoned: {
      ev::CallAbandoned* c = p->mutable_call_abandoned();
      if (e.wait_seconds) c->set_wait_seconds(*e.wait_seconds);
      if (e.call_offered_at) ToProto(*e.call_offered_at, c->mutable_call_offered_at());
      break;
    }
    case ContactKind::kCallEnded: {
      ev::CallEnded* c = p->mutable_call_ended();
      if (e.handle_seconds) c->set_handle_seconds(*e.handle_seconds);
      c->set_resolved_first_contact(e.resolved_first_contact);
      c->set_dispatched_work_order(e.dispatched_work_order);
      c->set_call_outcome(e.call_outcome == ContactKind::kCallAnswered ? ev::CALL_OUTCOME_ANSWERED
                          : e.call_outcome == ContactKind::kCallAbandoned
                              ? ev::CALL_OUTCOME_ABANDONED
                              : ev::CALL_OUTCOME_UNSPECIFIED);
      break;
    }
    case ContactKind::kConsultationCreated:
      p->mutable_consultation_created()->set_topic(domain::MaskText(e.topic));
      break;
    case ContactKind::kConsultationDispatched: {
      ev::ConsultationDispatched* d = p->mutable_consultation_dispatched();
      d->set_work_order_id(e.work_order_id);
      if (e.consultation_created_at) {
        ToProto(*e.consultation_created_at, d->mutable_consultation_created_at());
      }
      d->set_dispatched_by(e.dispatched_by);
      break;
    }
    case ContactKind::kSurveyAnswered:
      SurveyToProto(e, p->mutable_survey_answered());
      break;
    case ContactKind::kOutageStarted:
      p->mutable_outage_started()->set_platform(ToPlatform(e.platform));
      p->mutable_outage_started()->set_description(domain::MaskText(e.description));
      break;
    case ContactKind::kOutageEnded:
      p->mutable_outage_ended()->set_platform(ToPlatform(e.platform));
      p->mutable_outage_ended()->set_outage_seconds(e.outage_seconds.value_or(0));
      break;
    case ContactKind::kUnspecified:
      break;
  }
}

}  // namespace

domain::ContactEvent FromProto(const ev::ContactEvent& p) {
  domain::ContactEvent e;
  e.event_id = p.event_id();
  e.contact_id = p.contact_id();
  if (p.has_occurred_at()) e.occurred_at = FromProto(p.occurred_at());
  e.channel = p.channel();
  e.department = p.department();
  e.agent = p.agent();
  e.region = p.region();
  e.station = p.station();
  e.line = p.line();
  e.category = p.category();
  e.drill = p.drill();
  e.kind = KindOf(p);
  PayloadFromProto(p, e);
  return e;
}

void ToPublishedProto(const domain::ContactEvent& e, ev::ContactEvent* p) {
  p->set_event_id(e.event_id);
  p->set_contact_id(e.contact_id);
  if (e.occurred_at != absl::InfinitePast()) ToProto(e.occurred_at, p->mutable_occurred_at());
  p->set_channel(e.channel);
  p->set_department(e.department);
  p->set_agent(e.agent);
  p->set_region(e.region);
  p->set_station(e.station);
  p->set_line(e.line);
  p->set_category(e.category);
  p->set_drill(e.drill);
  PayloadToProto(e, p);
}

std::string EncodeContactEvent(const domain::ContactEvent& event) {
  ev::ContactEvent p;
  ToPublishedProto(event, &p);
  return p.SerializeAsString();
}

std::string ContactEventType(domain::ContactKind kind) {
  return "sqms.contact.v1." + std::string(domain::ContactKindName(kind));
}

}  // namespace sqms::complaints::codec
