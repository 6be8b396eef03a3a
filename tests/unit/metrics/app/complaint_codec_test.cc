// codec/event_codec.h for what first-contact resolution and the p90s read
// of sqms.complaints.v1: the reopen count at a resolution, and a reopen's
// revocation dated at the resolution it reopens (domain/reopen.h); for
// the handling rate, a first resolution's handled event dated at receipt;
// and for reopen rate and follow-up coverage, the resolution a reopen or a
// follow-up belongs to.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "services/metrics/codec/event_codec.h"
#include "services/metrics/codec/incident_codec.h"
#include "services/metrics/domain/outage.h"
#include "services/metrics/domain/window.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "sqms/events/v1/incident_event.pb.h"

namespace sqms::metrics::codec {
namespace {

namespace ev = ::sqms::events::v1;
namespace cpb = ::sqms::complaints::v1;

const absl::Time kReceived = absl::FromUnixSeconds(1'790'000'000);
const absl::Time kResolved = kReceived + absl::Hours(3);
const absl::Time kReopened = kResolved + absl::Hours(49);

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(t));
}

std::string Payload(ev::ComplaintEventType type, absl::Time at, int reopen_count,
                    bool with_resolution) {
  ev::ComplaintEvent e;
  e.set_event_id("evt-1");
  e.set_type(type);
  SetTime(at, e.mutable_occurred_at());
  auto* c = e.mutable_complaint();
  c->set_id("c-1");
  c->set_department("ticketing-center");
  SetTime(kReceived, c->mutable_received_at());
  c->set_reopen_count(reopen_count);
  if (with_resolution) SetTime(kResolved, c->mutable_resolution()->mutable_resolved_at());
  return e.SerializeAsString();
}

TEST(ComplaintCodecTest, AResolutionCarriesTheReopensBeforeIt) {
  auto first = DecodeComplaintEvent(
      Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kResolved, 0, true));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u) << "the resolution, and the complaint handled";
  const auto* resolved = std::get_if<domain::ComplaintResolved>(&(*first)[0].body);
  ASSERT_NE(resolved, nullptr);
  EXPECT_EQ(resolved->seconds, 3 * 3600);
  EXPECT_EQ(resolved->reopens_before, 0);

  auto again = DecodeComplaintEvent(
      Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kReopened + absl::Hours(1), 1, true));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(std::get<domain::ComplaintResolved>((*again)[0].body).reopens_before, 1);
}

TEST(ComplaintCodecTest, TheFirstReopenAlsoRevokesTheResolutionAtItsTime) {
  auto events =
      DecodeComplaintEvent(Payload(ev::COMPLAINT_EVENT_TYPE_REOPENED, kReopened, 1, true));
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  const domain::Event& reopened = (*events)[0];
  EXPECT_EQ(reopened.occurred_at, kReopened);
  const auto& body = std::get<domain::ComplaintReopened>(reopened.body);
  EXPECT_EQ(body.reopen_count, 1);
  EXPECT_EQ(body.resolved_at, kResolved);
  const domain::Event& revoked = (*events)[1];
  EXPECT_TRUE(std::holds_alternative<domain::ComplaintResolutionRevoked>(revoked.body));
  EXPECT_EQ(revoked.occurred_at, kResolved);
  EXPECT_EQ(revoked.dimensions.department, "ticketing-center");
}

TEST(ComplaintCodecTest, OtherReopensRevokeNothing) {
  auto second =
      DecodeComplaintEvent(Payload(ev::COMPLAINT_EVENT_TYPE_REOPENED, kReopened, 2, true));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), 1u);
  auto unknown =
      DecodeComplaintEvent(Payload(ev::COMPLAINT_EVENT_TYPE_REOPENED, kReopened, 1, false));
  ASSERT_TRUE(unknown.ok());
  ASSERT_EQ(unknown->size(), 1u);
  EXPECT_EQ(std::get<domain::ComplaintReopened>((*unknown)[0].body).resolved_at, std::nullopt);
}

// A follow-up says which resolution it follows, as a reopen does: it
// counts there (domain/counted_at.h).
TEST(ComplaintCodecTest, AFollowUpCarriesTheResolutionItFollows) {
  const absl::Time followed_up = kResolved + absl::Hours(30);
  auto events =
      DecodeComplaintEvent(Payload(ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP, followed_up, 0, true));
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].occurred_at, followed_up);
  EXPECT_EQ(std::get<domain::ComplaintFollowedUp>((*events)[0].body).resolved_at, kResolved);

  auto unknown =
      DecodeComplaintEvent(Payload(ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP, followed_up, 0, false));
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(std::get<domain::ComplaintFollowedUp>((*unknown)[0].body).resolved_at, std::nullopt);
}

// The handling rate's cohort (domain/event.h ComplaintHandled): a
// complaint's first resolution also counts it handled in the windows of its
// receipt, with the resolution's id and dimensions.
TEST(ComplaintCodecTest, AFirstResolutionOfAnOriginalIsHandledAtItsReceipt) {
  auto events =
      DecodeComplaintEvent(Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kResolved, 0, true));
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].occurred_at, kResolved);
  const domain::Event& handled = (*events)[1];
  EXPECT_TRUE(std::holds_alternative<domain::ComplaintHandled>(handled.body));
  EXPECT_EQ(handled.occurred_at, kReceived);
  EXPECT_EQ(handled.id, "evt-1");
  EXPECT_EQ(handled.dimensions.department, "ticketing-center");
  EXPECT_FALSE(handled.drill);
}

// A complaint received by one department and category, then reassigned
// and reclassified, is handled in the cells it was received in: the
// handling rate's numerator and denominator are one cohort. Without
// ReceivedAs (a complaint stored before it), the dimensions as now.
TEST(ComplaintCodecTest, AMovedComplaintIsHandledWhereItWasReceived) {
  ev::ComplaintEvent e;
  ASSERT_TRUE(e.ParseFromString(Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kResolved, 0, true)));
  cpb::Complaint* c = e.mutable_complaint();
  c->set_department("billing-center");
  c->set_category(cpb::CATEGORY_BILLING);
  c->set_assignee("agent-7");
  c->mutable_received_as()->set_department("ticketing-center");
  c->mutable_received_as()->set_category(cpb::CATEGORY_TICKETING);
  auto events = DecodeComplaintEvent(e.SerializeAsString());
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  const domain::Dimensions& resolved = (*events)[0].dimensions;
  EXPECT_EQ(resolved.department, "billing-center") << "a resolution counts where it happened";
  EXPECT_EQ(resolved.category, "billing");
  const domain::Dimensions& handled = (*events)[1].dimensions;
  EXPECT_EQ(handled.department, "ticketing-center");
  EXPECT_EQ(handled.category, "ticketing");
  EXPECT_EQ(handled.agent, "") << "a received complaint has no agent";

  c->clear_received_as();
  auto old = DecodeComplaintEvent(e.SerializeAsString());
  ASSERT_TRUE(old.ok()) << old.status();
  ASSERT_EQ(old->size(), 2u);
  EXPECT_EQ((*old)[1].dimensions.department, "billing-center");
}

// Resolved by ticketing (agent-7), then reclassified to hygiene and
// reassigned, then reopened: the reopen, its revocation of the
// first-contact resolution and a follow-up belong to the resolution and
// are filed where it was counted — not under hygiene, which never counted
// it (a reopen rate of 100 % for a unit with no such resolution).
TEST(ComplaintCodecTest, AReopenAndAFollowUpAreFiledWhereTheirResolutionWasCounted) {
  for (ev::ComplaintEventType type :
       {ev::COMPLAINT_EVENT_TYPE_REOPENED, ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP}) {
    ev::ComplaintEvent e;
    ASSERT_TRUE(e.ParseFromString(Payload(type, kReopened, 1, true)));
    cpb::Complaint* c = e.mutable_complaint();
    c->set_department("station-services");
    c->set_category(cpb::CATEGORY_FACILITIES);
    c->set_assignee("agent-9");
    c->mutable_resolution()->set_department("ticketing-center");
    c->mutable_resolution()->set_category(cpb::CATEGORY_TICKETING);
    c->mutable_resolution()->set_assignee("agent-7");
    auto events = DecodeComplaintEvent(e.SerializeAsString());
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_FALSE(events->empty());
    for (const domain::Event& event : *events) {
      EXPECT_EQ(event.dimensions.department, "ticketing-center") << type;
      EXPECT_EQ(event.dimensions.category, "ticketing") << type;
      EXPECT_EQ(event.dimensions.agent, "agent-7") << type;
    }
    if (type == ev::COMPLAINT_EVENT_TYPE_REOPENED) {
      EXPECT_EQ(events->size(), 2u) << "the reopen and its revocation";
    }
    // A resolution stored before it kept its unit: as now.
    c->mutable_resolution()->clear_department();
    events = DecodeComplaintEvent(e.SerializeAsString());
    ASSERT_TRUE(events.ok()) << events.status();
    EXPECT_EQ(events->front().dimensions.department, "station-services");
  }
}

// Handled once: a re-resolution after a reopen is not the first; a linked
// duplicate is not counted as a complaint of its own (requirements §1).
TEST(ComplaintCodecTest, AReResolutionAndADuplicatesResolutionAreNotHandledAgain) {
  auto handled = [](const absl::StatusOr<std::vector<domain::Event>>& events) {
    return std::count_if(events->begin(), events->end(), [](const domain::Event& e) {
      return std::holds_alternative<domain::ComplaintHandled>(e.body);
    });
  };
  auto first = DecodeComplaintEvent(Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kResolved, 0, true));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(handled(first), 1) << "the original's first resolution, once";

  auto again = DecodeComplaintEvent(
      Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kReopened + absl::Hours(1), 1, true));
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->size(), 1u);
  EXPECT_TRUE(std::holds_alternative<domain::ComplaintResolved>((*again)[0].body));
  EXPECT_EQ(handled(again), 0);

  ev::ComplaintEvent e;
  e.ParseFromString(Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kResolved, 0, true));
  e.mutable_complaint()->set_duplicate_of("c-0");
  auto duplicate = DecodeComplaintEvent(e.SerializeAsString());
  ASSERT_TRUE(duplicate.ok()) << duplicate.status();
  ASSERT_EQ(duplicate->size(), 1u);
  EXPECT_TRUE(std::holds_alternative<domain::ComplaintResolved>((*duplicate)[0].body));
  EXPECT_EQ(handled(duplicate), 0);

  // Nor does anything but a resolution count a complaint handled.
  for (ev::ComplaintEventType type :
       {ev::COMPLAINT_EVENT_TYPE_SUBMITTED, ev::COMPLAINT_EVENT_TYPE_REPLIED,
        ev::COMPLAINT_EVENT_TYPE_CLOSED, ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP}) {
    auto other = DecodeComplaintEvent(Payload(type, kResolved, 0, true));
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_EQ(handled(other), 0) << ev::ComplaintEventType_Name(type);
  }
}

// The receipt dates what the first resolution counts, so it is checked
// like an event time: missing or outside the covered time refuses the
// event; received after the resolution it is in no known window.
TEST(ComplaintCodecTest, AFirstResolutionNeedsAReceiptInTheCoveredTime) {
  ev::ComplaintEvent e;
  e.ParseFromString(Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kResolved, 0, true));
  e.mutable_complaint()->clear_received_at();
  auto missing = DecodeComplaintEvent(e.SerializeAsString());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), ::testing::HasSubstr("received_at is not set"));

  SetTime(absl::FromUnixSeconds(-1), e.mutable_complaint()->mutable_received_at());
  auto outside = DecodeComplaintEvent(e.SerializeAsString());
  EXPECT_EQ(outside.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(outside.status().message(),
              ::testing::HasSubstr("complaint.received_at 1969-12-31T23:59:59+00:00 is outside"));

  SetTime(kResolved + absl::Seconds(1), e.mutable_complaint()->mutable_received_at());
  auto after = DecodeComplaintEvent(e.SerializeAsString());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->size(), 1u);
}

// A resolution whose SLA clock measured working time, with the first
// response met by the same change: both take the clock's figures, not the
// wall time since receipt (3 h here, 600 s of it paused).
TEST(ComplaintCodecTest, DurationsAreTheWorkingTimeTheSlaClockMeasured) {
  ev::ComplaintEvent e;
  e.ParseFromString(Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kResolved, 0, true));
  auto* sla = e.mutable_complaint()->mutable_sla();
  sla->set_paused_seconds_total(600);
  for (auto [target, working] : {std::pair{cpb::SLA_TARGET_FIRST_RESPONSE, 1800},
                                 std::pair{cpb::SLA_TARGET_RESOLUTION, 5400}}) {
    auto* d = sla->add_deadlines();
    d->set_target(target);
    SetTime(kResolved + absl::Hours(1), d->mutable_due());
    SetTime(kResolved, d->mutable_met_at());
    d->set_met_after_working_seconds(working);
  }
  auto events = DecodeComplaintEvent(e.SerializeAsString());
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 3u) << "first response, resolution, handled";
  EXPECT_EQ(std::get<domain::ComplaintFirstResponse>((*events)[0].body).seconds, 1800);
  EXPECT_EQ(std::get<domain::ComplaintResolved>((*events)[1].body).seconds, 5400);

  // The same event from a producer that did not measure working time yet:
  // wall time minus the pauses.
  for (auto& d : *sla->mutable_deadlines()) d.clear_met_after_working_seconds();
  events = DecodeComplaintEvent(e.SerializeAsString());
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ(std::get<domain::ComplaintFirstResponse>((*events)[0].body).seconds, 3 * 3600 - 600);
  EXPECT_EQ(std::get<domain::ComplaintResolved>((*events)[1].body).seconds, 3 * 3600 - 600);
}

// A deadline met by this change, due `due_after` after the resolution.
void AddMetDeadline(cpb::SlaTarget target, absl::Duration due_after, bool breached,
                    ev::ComplaintEvent& e) {
  auto* d = e.mutable_complaint()->mutable_sla()->add_deadlines();
  d->set_target(target);
  SetTime(kResolved + due_after, d->mutable_due());
  SetTime(kResolved, d->mutable_met_at());
  d->set_breached(breached);
}

domain::ComplaintResolved DecodeResolved(const ev::ComplaintEvent& e) {
  auto events = DecodeComplaintEvent(e.SerializeAsString());
  EXPECT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->size(), e.complaint().reopen_count() == 0 ? 2u : 1u);
  return std::get<domain::ComplaintResolved>(events->front().body);
}

// Each deadline is decided once: met in time, met late (a miss, unless its
// breach was reported and counted the miss already), or not at all by a
// re-resolution after a reopen.
TEST(ComplaintCodecTest, AResolutionSaysWhatItDecidedAboutItsDeadline) {
  ev::ComplaintEvent e;
  e.ParseFromString(Payload(ev::COMPLAINT_EVENT_TYPE_RESOLVED, kResolved, 0, true));
  AddMetDeadline(cpb::SLA_TARGET_RESOLUTION, absl::Hours(1), false, e);
  EXPECT_EQ(DecodeResolved(e).sla, domain::SlaMet::kOnTime);

  e.mutable_complaint()->mutable_sla()->clear_deadlines();
  AddMetDeadline(cpb::SLA_TARGET_RESOLUTION, -absl::Hours(1), false, e);
  EXPECT_EQ(DecodeResolved(e).sla, domain::SlaMet::kLate);

  e.mutable_complaint()->mutable_sla()->clear_deadlines();
  AddMetDeadline(cpb::SLA_TARGET_RESOLUTION, -absl::Hours(1), true, e);
  EXPECT_EQ(DecodeResolved(e).sla, domain::SlaMet::kLateAfterBreach);

  // Breached, though the due time now reads later than the meeting: the
  // breach decided it, never on time as well.
  e.mutable_complaint()->mutable_sla()->clear_deadlines();
  AddMetDeadline(cpb::SLA_TARGET_RESOLUTION, absl::Hours(1), true, e);
  EXPECT_EQ(DecodeResolved(e).sla, domain::SlaMet::kLateAfterBreach);

  // Resolved again while the deadline still reads met at kResolved (the
  // complaints service sets a fresh one at a reopen; a producer that kept
  // it): this resolution decides nothing.
  SetTime(kReopened + absl::Hours(1), e.mutable_occurred_at());
  e.mutable_complaint()->set_reopen_count(1);
  EXPECT_EQ(DecodeResolved(e).sla, std::nullopt);
}

TEST(ComplaintCodecTest, ABreachSaysWhichDeadline) {
  for (auto [target, kind] :
       {std::pair{cpb::SLA_TARGET_FIRST_RESPONSE, domain::SlaTargetKind::kFirstResponse},
        std::pair{cpb::SLA_TARGET_RESOLUTION, domain::SlaTargetKind::kResolution},
        std::pair{cpb::SLA_TARGET_FOLLOW_UP, domain::SlaTargetKind::kOther}}) {
    ev::ComplaintEvent e;
    e.ParseFromString(Payload(ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED, kReopened, 0, false));
    e.set_sla_target(target);
    auto events = DecodeComplaintEvent(e.SerializeAsString());
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(std::get<domain::ComplaintSlaBreached>((*events)[0].body).target, kind)
        << cpb::SlaTarget_Name(target);
  }
}

// An event dated outside the time KPIs cover (domain::Covered) cannot be
// put in a window any query can encode: refused by every decoder, like an
// event without a time.
TEST(EventTimeTest, EveryDecoderRefusesAnEventDatedOutsideTheCoveredTime) {
  for (absl::Time at : {absl::FromUnixSeconds(-62135596800),  // 0001-01-01T00:00:00Z
                        absl::FromUnixSeconds(-1), domain::kCoveredUntil}) {
    const std::string complaint =
        Payload(ev::COMPLAINT_EVENT_TYPE_SUBMITTED, at, 0, /*with_resolution=*/false);
    const auto c = DecodeComplaintEvent(complaint);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), ::testing::HasSubstr("outside the time KPIs cover"));

    ev::ContactEvent contact;
    contact.set_event_id("contact-1");
    SetTime(at, contact.mutable_occurred_at());
    contact.mutable_call_offered();
    const auto k = DecodeContactEvent(contact.SerializeAsString());
    EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument);

    ev::IncidentEvent incident;
    incident.set_event_id("incident-1");
    incident.set_incident_id("inc-1");
    SetTime(at, incident.mutable_occurred_at());
    const auto i = DecodeIncidentEvent(incident.SerializeAsString());
    EXPECT_EQ(i.status().code(), absl::StatusCode::kInvalidArgument);
  }
  const std::string in_range = Payload(ev::COMPLAINT_EVENT_TYPE_SUBMITTED,
                                       domain::kCoveredFrom, 0, /*with_resolution=*/false);
  EXPECT_TRUE(DecodeComplaintEvent(in_range).ok());
}

// An incident's milestones date what it counts: an outage opened in year 1
// was once cut into a piece per minute until the consumer ran out of memory.
TEST(EventTimeTest, AnIncidentsMilestonesAreCoveredAndItsOutageAYearAtMost) {
  const absl::Time now = absl::FromUnixSeconds(1'790'000'000);
  auto incident = [&](absl::Time opened, absl::Time resolved) {
    ev::IncidentEvent e;
    e.set_event_id("incident-1");
    e.set_incident_id("inc-1");
    e.set_outage(true);
    SetTime(now, e.mutable_occurred_at());
    SetTime(opened, e.mutable_opened_at());
    SetTime(resolved, e.mutable_resolved_at());
    return DecodeIncidentEvent(e.SerializeAsString());
  };
  EXPECT_TRUE(incident(now - absl::Hours(2), now).ok());
  const auto year_one = incident(absl::FromUnixSeconds(-62135596800), now);
  EXPECT_EQ(year_one.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(year_one.status().message(), ::testing::HasSubstr("opened_at"));
  const auto too_long = incident(now - domain::kMaxOutage - absl::Seconds(1), now);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(incident(now - domain::kMaxOutage, now).ok());
}

}  // namespace
}  // namespace sqms::metrics::codec
