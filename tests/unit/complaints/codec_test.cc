#include "services/complaints/codec/complaint_codec.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "services/complaints/codec/contact_codec.h"

namespace sqms::complaints::codec {
namespace {

constexpr char kPhone[] = "13812345678";
constexpr char kEmail[] = "zhang.san@example.com";
constexpr char kIdNumber[] = "11010519491231002X";

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000) + absl::Nanoseconds(123'456'789);

domain::Complaint FullComplaint() {
  domain::Complaint c;
  c.id = "c-1";
  c.version = 7;
  c.status = domain::Status::kReplied;
  c.channel = domain::Channel::kHotline;
  c.category = domain::Category::kTicketing;
  c.category_overridden = true;
  c.urgency = domain::Level::kHigh;
  c.importance = domain::Level::kMedium;
  c.priority = domain::Priority::kP2;
  c.department = "ticketing";
  c.assignee = "agent-7";
  c.title = std::string("refund, call me on ") + kPhone;
  c.content = std::string("mail ") + kEmail + ", ID " + kIdNumber;
  c.complainant = {"张三", kPhone, kEmail, kIdNumber, "M-9", "T-1"};
  c.location = {"north", "Beijing South", "Jinghu", "G101"};
  c.occurred_at = kT0 - absl::Hours(2);
  c.received_at = kT0;
  c.updated_at = kT0 + absl::Hours(5);
  domain::SlaDeadline met{domain::SlaTarget::kFirstResponse, kT0 + absl::Hours(1),
                          kT0 + absl::Hours(2), kT0 + absl::Minutes(30),
                          absl::Minutes(25), true, false};
  domain::SlaDeadline pending{domain::SlaTarget::kResolution, kT0 + absl::Hours(20),
                              kT0 + absl::Hours(24), std::nullopt,
                              std::nullopt, false, true};
  c.sla.deadlines = {met, pending};
  c.sla.paused = true;
  c.sla.paused_since = kT0 + absl::Hours(3);
  c.sla.paused_total = absl::Seconds(600);
  c.sla.paused_working = absl::Seconds(420);
  c.sla.cycle = domain::SlaCycle{.started_at = kT0 + absl::Hours(1),
                                 .paused_total_before = absl::Seconds(300),
                                 .paused_working_before = absl::Seconds(240)};
  c.duplicate_of = "c-0";
  c.resolution = {.findings = std::string("called ") + kPhone,
                  .root_cause = "root",
                  .corrective_action = "fix",
                  .resolved_at = kT0 + absl::Hours(4),
                  .department = "ticketing-center",
                  .category = domain::Category::kTicketing,
                  .assignee = "agent-7"};
  c.reply = "sorry";
  c.replied_at = kT0 + absl::Hours(5);
  c.escalation_level = 1;
  c.reopen_count = 2;
  c.idempotency_key = "key-1";
  c.received_as = {.department = "dispatch", .category = domain::Category::kTimeliness};
  c.audit.push_back({kT0, "agent-7", "submit", domain::Status::kUnspecified,
                     domain::Status::kReceived, std::string("note ") + kPhone, 1});
  return c;
}

TEST(ComplaintCodecTest, StoredRoundTripKeepsEverythingButAudit) {
  const domain::Complaint c = FullComplaint();
  absl::StatusOr<domain::Complaint> back = DecodeStored(EncodeStored(c));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->audit.empty());
  EXPECT_EQ(back->id, c.id);
  EXPECT_EQ(back->version, 7);
  EXPECT_EQ(back->status, domain::Status::kReplied);
  EXPECT_EQ(back->priority, domain::Priority::kP2);
  EXPECT_EQ(back->complainant.phone, kPhone);
  EXPECT_EQ(back->location.service_number, "G101");
  EXPECT_EQ(back->received_at, kT0);  // nanoseconds survive
  ASSERT_EQ(back->sla.deadlines.size(), 2u);
  EXPECT_EQ(back->sla.deadlines[0].met_at, kT0 + absl::Minutes(30));
  EXPECT_EQ(back->sla.deadlines[0].met_after_working, absl::Minutes(25));
  EXPECT_TRUE(back->sla.deadlines[0].at_risk);
  EXPECT_EQ(back->sla.deadlines[1].met_at, std::nullopt);
  EXPECT_EQ(back->sla.deadlines[1].met_after_working, std::nullopt);
  EXPECT_TRUE(back->sla.deadlines[1].breached);
  EXPECT_EQ(back->sla.paused_since, kT0 + absl::Hours(3));
  EXPECT_EQ(back->sla.paused_total, absl::Seconds(600));
  EXPECT_EQ(back->sla.paused_working, absl::Seconds(420));
  ASSERT_TRUE(back->sla.cycle.has_value());
  EXPECT_EQ(back->sla.cycle->started_at, kT0 + absl::Hours(1));
  EXPECT_EQ(back->sla.cycle->paused_total_before, absl::Seconds(300));
  EXPECT_EQ(back->sla.cycle->paused_working_before, absl::Seconds(240));
  EXPECT_EQ(back->resolution.resolved_at, kT0 + absl::Hours(4));
  EXPECT_EQ(back->resolution.department, "ticketing-center");
  EXPECT_EQ(back->resolution.category, domain::Category::kTicketing);
  EXPECT_EQ(back->resolution.assignee, "agent-7");
  EXPECT_EQ(back->replied_at, kT0 + absl::Hours(5));
  EXPECT_EQ(back->follow_up.at, std::nullopt);
  EXPECT_EQ(back->closed_at, std::nullopt);
  EXPECT_EQ(back->reopen_count, 2);
  EXPECT_EQ(back->received_as, c.received_as);
  EXPECT_EQ(EncodeStored(*back), EncodeStored(c));
}

// The basic view is the full one without text, personal data, triage
// evidence, outcome and audit: everything else is there, unchanged.
TEST(ComplaintCodecTest, TheBasicViewIsTheFullOneWithoutTextOrPersonalData) {
  domain::Complaint c = FullComplaint();
  c.known_issue = domain::KnownIssue{.incident_id = "inc-1", .title = "outage",
                                     .plan_id = "plan-1", .level = "II", .linked_at = kT0,
                                     .released_at = std::nullopt};
  pb::Complaint basic;
  ToBasicProto(c, &basic);
  EXPECT_EQ(basic.title(), "");
  EXPECT_EQ(basic.content(), "");
  EXPECT_FALSE(basic.has_complainant());
  EXPECT_FALSE(basic.has_location());
  EXPECT_FALSE(basic.has_triage());
  EXPECT_FALSE(basic.has_resolution());
  EXPECT_EQ(basic.reply(), "");
  EXPECT_EQ(basic.audit_size(), 0);

  pb::Complaint full;
  ToProto(c, &full);
  for (int field : {pb::Complaint::kTitleFieldNumber, pb::Complaint::kContentFieldNumber,
                    pb::Complaint::kComplainantFieldNumber, pb::Complaint::kLocationFieldNumber,
                    pb::Complaint::kOccurredAtFieldNumber, pb::Complaint::kTriageFieldNumber,
                    pb::Complaint::kResolutionFieldNumber, pb::Complaint::kReplyFieldNumber,
                    pb::Complaint::kRepliedAtFieldNumber, pb::Complaint::kFollowUpFieldNumber,
                    pb::Complaint::kClosedAtFieldNumber, pb::Complaint::kAuditFieldNumber}) {
    full.GetReflection()->ClearField(&full, pb::Complaint::descriptor()->FindFieldByNumber(field));
  }
  EXPECT_EQ(basic.SerializeAsString(), full.SerializeAsString());
  EXPECT_EQ(basic.known_issue().incident_id(), "inc-1");
  EXPECT_EQ(basic.sla().deadlines_size(), 2);
  EXPECT_EQ(basic.idempotency_key(), "key-1");
}

TEST(ComplaintCodecTest, UnsetTimesStayUnset) {
  domain::Complaint c;  // paused_since and deadlines default to "never"
  c.sla.deadlines.push_back({});
  absl::StatusOr<domain::Complaint> back = DecodeStored(EncodeStored(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sla.paused_since, absl::InfinitePast());
  EXPECT_EQ(back->sla.deadlines[0].due, absl::InfinitePast());
  EXPECT_EQ(back->sla.deadlines[0].met_at, std::nullopt);
  pb::Complaint p;
  ToProto(c, &p);
  EXPECT_FALSE(p.sla().has_paused_since());
  EXPECT_FALSE(p.sla().deadlines(0).has_met_after_working_seconds());
  EXPECT_FALSE(p.has_closed_at());
}

TEST(ComplaintCodecTest, APauseStoredBeforeItsOpenTimeWasMeasuredIsUnknown) {
  pb::Complaint paused;
  paused.mutable_sla()->set_paused_seconds_total(600);
  auto back = DecodeStored(paused.SerializeAsString());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->sla.paused_working, std::nullopt);
  pb::Complaint never_paused;
  never_paused.set_id("c-1");
  back = DecodeStored(never_paused.SerializeAsString());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->sla.paused_working, absl::ZeroDuration());
  pb::Complaint out;
  domain::Complaint unknown;
  unknown.sla.paused_working = std::nullopt;
  ToProto(unknown, &out);
  EXPECT_FALSE(out.sla().has_paused_working_seconds_total());
}

TEST(ComplaintCodecTest, AComplaintStoredBeforeCyclesWereStoredHasNone) {
  pb::Complaint reopened;  // an older version's reopened complaint
  reopened.set_reopen_count(1);
  auto back = DecodeStored(reopened.SerializeAsString());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->sla.cycle, std::nullopt);
  pb::Complaint unknown_working;
  unknown_working.mutable_sla()->mutable_cycle_started_at()->set_seconds(1);
  back = DecodeStored(unknown_working.SerializeAsString());
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->sla.cycle.has_value());
  EXPECT_EQ(back->sla.cycle->paused_working_before, std::nullopt);
}

TEST(ComplaintCodecTest, CorruptBytesAreDataLoss) {
  const std::string corrupt("\x0a\xff", 2);
  EXPECT_EQ(DecodeStored(corrupt).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeAudit(corrupt).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ComplaintCodecTest, AuditRoundTrip) {
  const domain::AuditEntry e = FullComplaint().audit[0];
  absl::StatusOr<domain::AuditEntry> back = DecodeAudit(EncodeAudit(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->at, e.at);
  EXPECT_EQ(back->actor, e.actor);
  EXPECT_EQ(back->action, "submit");
  EXPECT_EQ(back->to, domain::Status::kReceived);
  EXPECT_EQ(back->note, e.note);
  EXPECT_EQ(back->version, 1);
}

TEST(ComplaintCodecTest, EventCarriesNoPersonalData) {
  ports::PendingEvent pending{"ev-1", {}};
  pending.event.type = domain::EventType::kReplied;
  pending.event.at = kT0;
  pending.event.actor = "agent-7";
  pending.event.note = std::string("told ") + kEmail;
  const std::string bytes = EncodeEvent(FullComplaint(), pending, "hmac-key");
  EXPECT_EQ(bytes.find(kPhone), std::string::npos);
  EXPECT_EQ(bytes.find(kEmail), std::string::npos);
  EXPECT_EQ(bytes.find(kIdNumber), std::string::npos);
  EXPECT_EQ(bytes.find("张三"), std::string::npos);

  ::sqms::events::v1::ComplaintEvent event;
  ASSERT_TRUE(event.ParseFromString(bytes));
  EXPECT_EQ(event.event_id(), "ev-1");
  EXPECT_EQ(event.type(), ::sqms::events::v1::COMPLAINT_EVENT_TYPE_REPLIED);
  EXPECT_EQ(event.complainant_key(), "hmac-key");
  EXPECT_FALSE(event.complaint().has_complainant());
  EXPECT_EQ(event.complaint().audit_size(), 0);
  // What the KPIs need is still there.
  EXPECT_EQ(event.complaint().department(), "ticketing");
  EXPECT_EQ(event.complaint().location().station(), "Beijing South");
  EXPECT_EQ(event.complaint().sla().deadlines_size(), 2);
}

TEST(ComplaintCodecTest, AnEventFromTheStoredProtoIsTheEventFromTheComplaint) {
  ports::PendingEvent pending{"ev-1", {}};
  pending.event.type = domain::EventType::kSubmitted;
  pending.event.at = kT0;
  pending.event.note = std::string("from ") + kPhone;
  const domain::Complaint c = FullComplaint();
  const pb::Complaint stored = StoredProto(c);
  EXPECT_EQ(stored.SerializeAsString(), EncodeStored(c));
  // The stored proto has the complainant; the event built from it must not.
  EXPECT_TRUE(stored.has_complainant());
  EXPECT_EQ(EncodeEvent(stored, pending, "hmac-key"), EncodeEvent(c, pending, "hmac-key"));
}

TEST(ComplaintCodecTest, CloudEventTypes) {
  EXPECT_EQ(CloudEventType(domain::EventType::kSubmitted), "sqms.complaints.v1.submitted");
  EXPECT_EQ(CloudEventType(domain::EventType::kSlaBreached), "sqms.complaints.v1.sla_breached");
  EXPECT_EQ(CloudEventType(domain::EventType::kDuplicateLinked),
            "sqms.complaints.v1.duplicate_linked");
}

TEST(ComplaintCodecTest, ApiRequests) {
  pb::SubmitComplaintRequest request;
  request.set_channel(pb::CHANNEL_APP);
  request.set_title("t");
  request.mutable_complainant()->set_phone(kPhone);
  request.set_urgency(static_cast<pb::Level>(42));  // kept for validation to reject
  domain::Submission s = FromProto(request);
  EXPECT_EQ(s.channel, domain::Channel::kApp);
  EXPECT_EQ(s.complainant.phone, kPhone);
  EXPECT_EQ(static_cast<int>(s.urgency), 42);
  EXPECT_EQ(s.occurred_at, std::nullopt);

  pb::ListComplaintsRequest list;
  list.mutable_filter()->add_statuses(pb::STATUS_CLOSED);
  ToProto(kT0, list.mutable_filter()->mutable_created_after());
  ports::ListQuery q = FromProto(list);
  EXPECT_EQ(q.page_size, 50);
  EXPECT_EQ(q.created_after, kT0);
  EXPECT_EQ(q.created_before, std::nullopt);
  ASSERT_EQ(q.statuses.size(), 1u);
  EXPECT_EQ(q.statuses[0], domain::Status::kClosed);
  list.set_page_size(7);
  EXPECT_EQ(FromProto(list).page_size, 7);
}

TEST(ContactCodecTest, RoundTripMasksComments) {
  ::sqms::events::v1::ContactEvent p;
  p.set_event_id("e-1");
  p.set_contact_id("call-1");
  ToProto(kT0, p.mutable_occurred_at());
  p.set_agent("a-1");
  p.mutable_survey_answered()->set_csat(4);
  p.mutable_survey_answered()->set_nps(9);
  p.mutable_survey_answered()->set_unsatisfied(true);
  p.mutable_survey_answered()->set_comment(std::string("ring ") + kPhone);
  (*p.mutable_survey_answered()->mutable_csi())["attitude"] = 5;
  domain::ContactEvent e = FromProto(p);
  EXPECT_EQ(e.kind, domain::ContactKind::kSurveyAnswered);
  EXPECT_EQ(e.occurred_at, kT0);
  EXPECT_EQ(e.csat, 4);
  EXPECT_EQ(e.csi, (std::map<std::string, int>{{"attitude", 5}}));
  EXPECT_EQ(ContactEventType(e.kind), "sqms.contact.v1.survey_answered");

  const std::string bytes = EncodeContactEvent(e);
  EXPECT_EQ(bytes.find(kPhone), std::string::npos);
  ::sqms::events::v1::ContactEvent published;
  ASSERT_TRUE(published.ParseFromString(bytes));
  EXPECT_EQ(published.survey_answered().nps(), 9);
  EXPECT_TRUE(published.survey_answered().unsatisfied());
  EXPECT_EQ(published.survey_answered().csi().at("attitude"), 5);
  EXPECT_EQ(published.contact_id(), "call-1");
}

TEST(ContactCodecTest, AConsultationsTopicIsPublishedMasked) {
  domain::ContactEvent e;
  e.event_id = "e-2";
  e.contact_id = "call-2";
  e.kind = domain::ContactKind::kConsultationCreated;
  e.occurred_at = kT0;
  e.topic = std::string("refund, call back on ") + kPhone;
  const std::string bytes = EncodeContactEvent(e);
  EXPECT_EQ(bytes.find(kPhone), std::string::npos);
  ::sqms::events::v1::ContactEvent published;
  ASSERT_TRUE(published.ParseFromString(bytes));
  EXPECT_TRUE(published.consultation_created().topic().starts_with("refund, call back on "));
}

TEST(ContactCodecTest, AnswersAndDurationsKeepTheirPresence) {
  ::sqms::events::v1::ContactEvent p;
  p.mutable_survey_answered()->set_nps(0);  // asked, answered 0: present
  domain::ContactEvent e = FromProto(p);
  EXPECT_EQ(e.nps, 0);
  EXPECT_FALSE(e.csat.has_value());
  EXPECT_FALSE(e.unsatisfied.has_value());
  ::sqms::events::v1::ContactEvent published;
  ASSERT_TRUE(published.ParseFromString(EncodeContactEvent(e)));
  EXPECT_TRUE(published.survey_answered().has_nps());
  EXPECT_EQ(published.survey_answered().nps(), 0);
  EXPECT_FALSE(published.survey_answered().has_csat()) << "not asked stays unset";
  EXPECT_FALSE(published.survey_answered().has_unsatisfied());
  EXPECT_TRUE(published.survey_answered().csi().empty());

  ::sqms::events::v1::ContactEvent answered;
  answered.mutable_call_answered();  // the kind, without its wait
  EXPECT_FALSE(FromProto(answered).wait_seconds.has_value());
  answered.mutable_call_answered()->set_wait_seconds(0);
  EXPECT_EQ(FromProto(answered).wait_seconds, 0);
  ASSERT_TRUE(published.ParseFromString(EncodeContactEvent(FromProto(answered))));
  EXPECT_TRUE(published.call_answered().has_wait_seconds());

  ::sqms::events::v1::ContactEvent ended;
  ended.mutable_outage_ended()->set_outage_seconds(0);  // proto3: "not sent"
  EXPECT_FALSE(FromProto(ended).outage_seconds.has_value());
}

TEST(ContactCodecTest, LineAndDrillPassThrough) {
  ::sqms::events::v1::ContactEvent p;
  p.set_line("京沪高铁");
  p.set_drill(true);
  p.mutable_call_offered();
  ::sqms::events::v1::ContactEvent published;
  ASSERT_TRUE(published.ParseFromString(EncodeContactEvent(FromProto(p))));
  EXPECT_EQ(published.line(), "京沪高铁");
  EXPECT_TRUE(published.drill());
}

TEST(ContactCodecTest, EveryKindMapsBothWays) {
  ::sqms::events::v1::ContactEvent p;
  p.mutable_call_ended()->set_handle_seconds(30);
  p.mutable_call_ended()->set_resolved_first_contact(true);
  EXPECT_EQ(FromProto(p).kind, domain::ContactKind::kCallEnded);
  p.mutable_outage_ended()->set_platform(::sqms::events::v1::PLATFORM_BACKBONE_NETWORK);
  p.mutable_outage_ended()->set_outage_seconds(90);
  domain::ContactEvent e = FromProto(p);
  EXPECT_EQ(e.kind, domain::ContactKind::kOutageEnded);
  EXPECT_EQ(e.platform, domain::Platform::kBackboneNetwork);
  EXPECT_EQ(e.outage_seconds, 90);
  EXPECT_EQ(ContactEventType(e.kind), "sqms.contact.v1.outage_ended");
  EXPECT_EQ(FromProto(::sqms::events::v1::ContactEvent()).kind, domain::ContactKind::kUnspecified);
  EXPECT_EQ(FromProto(::sqms::events::v1::ContactEvent()).occurred_at, absl::InfinitePast());
}

}  // namespace
}  // namespace sqms::complaints::codec
